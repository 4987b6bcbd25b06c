using System.Text.Json.Nodes;

namespace FluxAspire.Api.Workflows;

/// <summary>The recipe's FLUX.1-dev FP8 graph (protocol §9.1): one checkpoint loader, positive text → FluxGuidance,
/// an empty negative, SD3 latent, KSampler, VAE decode, SaveImage. Node ids match the recipe so ComfyUI's cache keeps
/// the loader and the empty negative between requests.</summary>
public static class FluxGraph
{
    public const string SaveImageNode = "9";

    /// <summary>Builds the graph from a fully filled input (see <see cref="Text2ImgFields.WithDefaults"/>).</summary>
    public static JsonObject Build(Text2ImgInput input, string filenamePrefix = "ComfyUI") => new()
    {
        ["6"] = Node("CLIPTextEncode", new JsonObject { ["text"] = input.Prompt, ["clip"] = Link("30", 1) }),
        ["8"] = Node("VAEDecode", new JsonObject { ["samples"] = Link("31", 0), ["vae"] = Link("30", 2) }),
        [SaveImageNode] = Node("SaveImage", new JsonObject { ["filename_prefix"] = filenamePrefix, ["images"] = Link("8", 0) }),
        ["27"] = Node("EmptySD3LatentImage", new JsonObject { ["width"] = input.Width, ["height"] = input.Height, ["batch_size"] = 1 }),
        ["30"] = Node("CheckpointLoaderSimple", new JsonObject { ["ckpt_name"] = input.Checkpoint }),
        ["31"] = Node("KSampler", new JsonObject
        {
            ["seed"] = input.Seed,
            ["steps"] = input.Steps,
            ["cfg"] = input.CfgScale,
            ["sampler_name"] = input.SamplerName,
            ["scheduler"] = input.Scheduler,
            ["denoise"] = input.Denoise,
            ["model"] = Link("30", 0),
            ["positive"] = Link("35", 0),
            ["negative"] = Link("33", 0),
            ["latent_image"] = Link("27", 0),
        }),
        ["33"] = Node("CLIPTextEncode", new JsonObject { ["text"] = "", ["clip"] = Link("30", 1) }),
        ["35"] = Node("FluxGuidance", new JsonObject { ["guidance"] = input.Guidance, ["conditioning"] = Link("6", 0) }),
    };

    private static JsonObject Node(string classType, JsonObject inputs) => new() { ["inputs"] = inputs, ["class_type"] = classType };

    private static JsonArray Link(string node, int slot) => new(node, slot);
}
