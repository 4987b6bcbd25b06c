using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Execution;
using FluxAspire.ComfySim.Images;
using FluxAspire.ComfySim.Python;

namespace FluxAspire.ComfySim.Nodes;

/// <summary>
/// How each node class behaves in the simulator. Loaders cost --load-ms, samplers step with --step-ms, LoadImage reads
/// the input file, SaveImage/PreviewImage write whatever image reaches them. Every other class gets values of its
/// output types from <see cref="SimulatedOutputs"/> (VAEDecode: the sampled latent as a picture; image, latent and mask
/// nodes: the size ComfyUI would give), so any graph that validates also runs.
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
        ["LoadImage"] = LoadImage,
        ["LoadImageOutput"] = LoadImage, // LoadImage's code on the output folder
        ["WebcamCapture"] = LoadImage, // LoadImage's code on the file the frontend uploaded
        ["LoadImageMask"] = context =>
        {
            var image = context.Services.InputImages.Load(context.String("image") ?? "");
            return new(new NodeResult([new MaskValue(image.Width, image.Height, 1)]));
        },
    };

    public static ValueTask<NodeResult> RunAsync(NodeContext context)
    {
        if (ByClass.TryGetValue(context.ClassType, out var behaviour))
        {
            return behaviour(context);
        }

        return context.ClassType.EndsWith("Loader", StringComparison.Ordinal) || context.ClassType.StartsWith("CheckpointLoader", StringComparison.Ordinal)
            ? LoadAsync(context)
            : new(SimulatedOutputs.Produce(context));
    }

    private static ValueTask<NodeResult> LoadImage(NodeContext context)
    {
        var image = context.Services.InputImages.Load(context.String("image") ?? "");
        return new(new NodeResult([new ImageValue(image), new MaskValue(image.Width, image.Height, image.BatchSize)]));
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
            chunks.Add(new("prompt", PythonJson.Dumps(context.Graph)));
            if (context.ExtraData["extra_pnginfo"] is JsonObject pngInfo)
            {
                chunks.AddRange(pngInfo.Select(p => new KeyValuePair<string, string>(p.Key, PythonJson.Dumps(p.Value))));
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
}
