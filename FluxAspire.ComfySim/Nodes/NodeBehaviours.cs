using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Execution;
using FluxAspire.ComfySim.Images;

namespace FluxAspire.ComfySim.Nodes;

/// <summary>
/// How each node class behaves in the simulator. Loaders cost --load-ms, samplers step with --step-ms, VAEDecode turns
/// a sampled latent into a <see cref="SimImage"/>, SaveImage/PreviewImage write files. Every other class passes values
/// through by type, so any graph that validates also runs.
/// </summary>
public static class NodeBehaviours
{
    public delegate ValueTask<NodeResult> Behaviour(NodeContext context);

    private static readonly Dictionary<string, Behaviour> ByClass = new(StringComparer.Ordinal)
    {
        ["KSampler"] = context => SampleAsync(context, context.Seed("seed"), (int)(context.Int("steps") ?? 0), "latent_image"),
        ["KSamplerAdvanced"] = context => SampleAsync(context, context.Seed("noise_seed"), AdvancedSteps(context), "latent_image"),
        ["SamplerCustom"] = context => SampleAsync(context, context.Seed("noise_seed"),
            context.Value<SigmasValue>("sigmas")?.Steps ?? 0, "latent_image"),
        ["SamplerCustomAdvanced"] = context => SampleAsync(context, context.Value<NoiseValue>("noise")?.Seed ?? 0,
            context.Value<SigmasValue>("sigmas")?.Steps ?? 0, "latent_image"),
        ["SaveImage"] = context => SaveAsync(context, context.String("filename_prefix") ?? "ComfyUI", "output"),
        ["PreviewImage"] = context => SaveAsync(context, "ComfyUI", "temp"),
        ["LoadImage"] = context => new(new NodeResult([
            new ImageValue(context.Services.InputImages.Load(context.String("image") ?? "")), new OpaqueValue("MASK")])),
    };

    public static ValueTask<NodeResult> RunAsync(NodeContext context)
    {
        if (ByClass.TryGetValue(context.ClassType, out var behaviour))
        {
            return behaviour(context);
        }

        return context.ClassType.EndsWith("Loader", StringComparison.Ordinal) || context.ClassType.StartsWith("CheckpointLoader", StringComparison.Ordinal)
            ? LoadAsync(context)
            : new(PassThrough(context));
    }

    private static async ValueTask<NodeResult> LoadAsync(NodeContext context)
    {
        // Reading a checkpoint from disk; the executor only re-runs a loader when its cached output is gone.
        var name = context.Inputs.Values.OfType<JsonValue>()
            .Select(v => v.TryGetValue<string>(out var s) ? s : null).FirstOrDefault(s => s is not null) ?? context.ClassType;
        if (context.Services.Options.LoadMs > 0)
        {
            await Task.Delay(context.Services.Options.LoadMs);
        }

        context.Services.Models.MarkLoaded(name);
        var outputs = context.OutputTypes.Select(type => (SimValue?)(type switch
        {
            _ when context.LinkedValues.FirstOrDefault(v => v.Type == type) is { } passed => passed, // e.g. LoraLoader
            "MODEL" => new ModelValue(name),
            "CLIP" => new ClipValue(name),
            "VAE" => new VaeValue(name),
            _ => new OpaqueValue(type),
        })).ToList();
        return new NodeResult(outputs);
    }

    private static async ValueTask<NodeResult> SampleAsync(NodeContext context, ulong seed, int steps, string latentInput)
    {
        var model = context.Value<ModelValue>("model") ?? context.Value<GuiderValue>("guider")?.Model;
        if (model is not null && context.Services.Models.EnsureLoaded(model.Checkpoint) && context.Services.Options.LoadMs > 0)
        {
            await Task.Delay(context.Services.Options.LoadMs); // the model was unloaded since its loader ran
        }

        var latent = context.Value<LatentValue>(latentInput) ?? new LatentValue(1024, 1024, 1);
        var positive = context.Value<ConditioningValue>("positive") ?? context.Value<GuiderValue>("guider")?.Positive;
        var sampled = latent with { Prompt = positive?.Text ?? latent.Prompt, Seed = seed, Steps = steps };
        var preview = context.Services.Options.PreviewsEnabled
            ? new SimImage(sampled.Width, sampled.Height, sampled.BatchSize, sampled.Prompt, seed, steps)
            : null;
        for (var step = 1; step <= steps; step++)
        {
            await context.StepAsync(step, steps, preview);
        }

        return new NodeResult([.. context.OutputTypes.Select(type => (SimValue?)(type == "LATENT" ? sampled : new OpaqueValue(type)))]);
    }

    private static int AdvancedSteps(NodeContext context)
    {
        var steps = context.Int("steps") ?? 0;
        var start = context.Int("start_at_step") ?? 0;
        var end = Math.Min(context.Int("end_at_step") ?? steps, steps);
        return (int)Math.Max(0, end - start);
    }

    private static ValueTask<NodeResult> SaveAsync(NodeContext context, string prefix, string type)
    {
        var images = context.Value<ImageValue>("images")?.Image ?? throw new SimNodeException("TypeError", "'NoneType' object is not subscriptable");
        List<KeyValuePair<string, string>> chunks = [];
        if (!context.Services.Options.DisableMetadata)
        {
            chunks.Add(new("prompt", PythonText.JsonDumps(context.Graph)));
            if (context.ExtraData["extra_pnginfo"] is JsonObject pngInfo)
            {
                chunks.AddRange(pngInfo.Select(p => new KeyValuePair<string, string>(p.Key, PythonText.JsonDumps(p.Value))));
            }
        }

        var saved = context.Services.OutputWriter.SaveImages(images, prefix, type, chunks);
        var list = new JsonArray();
        foreach (var image in saved)
        {
            list.Add(new JsonObject { ["filename"] = image.Filename, ["subfolder"] = image.Subfolder, ["type"] = image.Type });
        }

        return new(new NodeResult([], new JsonObject { ["images"] = list }));
    }

    /// <summary>
    /// Any other class: each output takes the first linked input of the same type, or is made from what the node has
    /// (text → conditioning, width/height → latent, latent → image, image → latent, steps → sigmas, seed → noise).
    /// </summary>
    private static NodeResult PassThrough(NodeContext context)
    {
        var outputs = new List<SimValue?>(context.OutputTypes.Count);
        foreach (var type in context.OutputTypes)
        {
            outputs.Add(type switch
            {
                "CONDITIONING" when TextOf(context) is { } text => new ConditioningValue(text),
                _ when context.LinkedValues.FirstOrDefault(v => v.Type == type) is { } passed => passed,
                "LATENT" when context.Int("width") is { } w && context.Int("height") is { } h =>
                    new LatentValue((int)w, (int)h, (int)(context.Int("batch_size") ?? context.Int("length") ?? 1)),
                "LATENT" when context.LinkedValues.OfType<ImageValue>().FirstOrDefault() is { } image =>
                    new LatentValue(image.Image.Width, image.Image.Height, image.Image.BatchSize, image.Image.Prompt, image.Image.Seed, image.Image.Steps),
                "IMAGE" when context.LinkedValues.OfType<LatentValue>().FirstOrDefault() is { } latent =>
                    new ImageValue(new SimImage(latent.Width, latent.Height, latent.BatchSize, latent.Prompt, latent.Seed, latent.Steps)),
                "SIGMAS" when context.Int("steps") is { } steps => new SigmasValue((int)steps),
                "NOISE" => new NoiseValue(context.Seed("noise_seed")),
                "GUIDER" => new GuiderValue(
                    context.Value<ConditioningValue>("conditioning") ?? context.Value<ConditioningValue>("positive"),
                    context.Value<ModelValue>("model")),
                "CONDITIONING" => new ConditioningValue(""),
                _ => new OpaqueValue(type),
            });
        }

        return new NodeResult(outputs);
    }

    private static string? TextOf(NodeContext context) =>
        context.String("text") ?? context.String("t5xxl") ?? context.String("clip_l") ?? context.String("prompt");
}
