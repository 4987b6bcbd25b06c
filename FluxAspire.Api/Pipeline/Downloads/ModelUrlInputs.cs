using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Pipeline.Inputs;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline.Downloads;

/// <summary>
/// Dynamic model loading (the recipe's §1.3): a model-name input given as an http(s) or s3:// URL is downloaded once into
/// models/&lt;folder&gt;/&lt;32-char base64url sha256 of the URL&gt;.&lt;ext&gt; and the input is replaced by that name
/// before the job is queued. A cached file is reused. Failures are 400s naming prompt.&lt;node&gt;.inputs.&lt;input&gt;.
/// </summary>
public sealed class ModelUrlInputs(ModelDownloader downloader)
{
    /// <summary>Loader inputs whose combo lists a model folder, as ComfyUI 0.3.64 declares them (the folder each
    /// loader actually reads; the recipe links UNET files into "diffusers" and CLIP vision into "text_encoders",
    /// which ComfyUI's own loaders would not list).</summary>
    internal static readonly IReadOnlyDictionary<(string ClassType, string Input), string> Folders = new Dictionary<(string, string), string>
    {
        [("CheckpointLoaderSimple", "ckpt_name")] = "checkpoints",
        [("CheckpointLoader", "ckpt_name")] = "checkpoints",
        [("CheckpointLoader", "config_name")] = "configs",
        [("unCLIPCheckpointLoader", "ckpt_name")] = "checkpoints",
        [("ImageOnlyCheckpointLoader", "ckpt_name")] = "checkpoints",
        [("LoraLoader", "lora_name")] = "loras",
        [("LoraLoaderModelOnly", "lora_name")] = "loras",
        [("VAELoader", "vae_name")] = "vae",
        [("ControlNetLoader", "control_net_name")] = "controlnet",
        [("DiffControlNetLoader", "control_net_name")] = "controlnet",
        [("UNETLoader", "unet_name")] = "diffusion_models",
        [("CLIPLoader", "clip_name")] = "text_encoders",
        [("DualCLIPLoader", "clip_name1")] = "text_encoders",
        [("DualCLIPLoader", "clip_name2")] = "text_encoders",
        [("TripleCLIPLoader", "clip_name1")] = "text_encoders",
        [("TripleCLIPLoader", "clip_name2")] = "text_encoders",
        [("TripleCLIPLoader", "clip_name3")] = "text_encoders",
        [("CLIPVisionLoader", "clip_name")] = "clip_vision",
        [("StyleModelLoader", "style_model_name")] = "style_models",
        [("GLIGENLoader", "gligen_name")] = "gligen",
        [("UpscaleModelLoader", "model_name")] = "upscale_models",
    };

    private readonly ConcurrentDictionary<string, Lazy<Task>> _inFlight = new(StringComparer.Ordinal);

    public async Task<JobRequest> PrepareAsync(JobRequest request, RequestCredentials credentials, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        JsonObject? graph = null;
        foreach (var (nodeId, node) in request.Graph)
        {
            if (node is not JsonObject n || n["inputs"] is not JsonObject inputs || n["class_type"] is not JsonValue c
                || c.GetValueKind() != JsonValueKind.String)
            {
                continue;
            }

            var classType = c.GetValue<string>();
            foreach (var (inputName, value) in inputs)
            {
                if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String
                    || !Folders.TryGetValue((classType, inputName), out var folder)
                    || !Uri.TryCreate(v.GetValue<string>(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https" or "s3"))
                {
                    continue;
                }

                var key = $"prompt.{nodeId}.inputs.{inputName}";
                try
                {
                    var fileName = ModelFileNames.CacheName(url);
                    await EnsureDownloadedAsync(url, folder, fileName, credentials.For(url), cancellationToken);
                    graph ??= request.Graph.DeepClone().AsObject();
                    graph[nodeId]!["inputs"]![inputName] = fileName;
                }
                catch (ModelDownloadException ex)
                {
                    errors[key] = [$"node {nodeId} ({classType}) input '{inputName}': could not load the model from {ModelFileNames.Redacted(url)}: {ex.Message}"];
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new ImageInputException(errors);
        }

        return graph is null ? request : request with { Graph = graph };
    }

    private async Task EnsureDownloadedAsync(Uri url, string folder, string fileName, UrlAuth? auth, CancellationToken cancellationToken)
    {
        var target = downloader.TargetPath(folder, fileName);
        if (File.Exists(target))
        {
            return;
        }

        // Two jobs naming the same URL share one download; the first caller's token does not cancel the other.
        var download = _inFlight.GetOrAdd(target, _ => new Lazy<Task>(() => downloader.DownloadAsync(url, folder, fileName, auth, CancellationToken.None)));
        try
        {
            await download.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (download.Value.IsCompleted) _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task>>(target, download));
        }
    }
}
