using System.Text.Json.Nodes;

namespace FluxAspire.Bench;

/// <summary>The recipe's FLUX.1-dev graph (ComfyUI API format), as a client would send it.</summary>
internal static class FluxGraph
{
    public const string Prompt = "A beautiful sunset over the ocean";
    public const string OutputNode = "9";

    public static JsonObject Create(long seed, int size, int steps) => new()
    {
        ["6"] = Node("CLIPTextEncode", new() { ["text"] = Prompt, ["clip"] = Link("30", 1) }),
        ["33"] = Node("CLIPTextEncode", new() { ["text"] = "", ["clip"] = Link("30", 1) }),
        ["35"] = Node("FluxGuidance", new() { ["guidance"] = 3.5, ["conditioning"] = Link("6", 0) }),
        ["27"] = Node("EmptySD3LatentImage", new() { ["width"] = size, ["height"] = size, ["batch_size"] = 1 }),
        ["30"] = Node("CheckpointLoaderSimple", new() { ["ckpt_name"] = "flux1-dev-fp8.safetensors" }),
        ["31"] = Node("KSampler", new()
        {
            ["seed"] = seed, ["steps"] = steps, ["cfg"] = 1.0, ["sampler_name"] = "euler", ["scheduler"] = "simple", ["denoise"] = 1.0,
            ["model"] = Link("30", 0), ["positive"] = Link("35", 0), ["negative"] = Link("33", 0), ["latent_image"] = Link("27", 0),
        }),
        ["8"] = Node("VAEDecode", new() { ["samples"] = Link("31", 0), ["vae"] = Link("30", 2) }),
        [OutputNode] = Node("SaveImage", new() { ["filename_prefix"] = "ComfyUI", ["images"] = Link("8", 0) }),
    };

    private static JsonObject Node(string classType, JsonObject inputs) => new() { ["class_type"] = classType, ["inputs"] = inputs };

    private static JsonArray Link(string node, int slot) => [node, slot];
}
