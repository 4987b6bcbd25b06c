using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Files;

namespace FluxAspire.ComfySim.Schemas;

/// <summary>The 377 node schemas of ComfyUI 0.3.64 (trimmed object_info), with folder-backed combo lists read live.</summary>
public sealed class NodeSchemaCatalog(ComfyFolders folders)
{
    private readonly ComfyFolders _folders = folders;

    /// <summary>The schema of a class, or null when ComfyUI has no such node.</summary>
    public NodeSchema? Find(string classType) => throw new NotImplementedException("H1");

    /// <summary>GET /object_info: every class, combos from model/input folders filled in now.</summary>
    public JsonObject ObjectInfo() => throw new NotImplementedException("H1");

    /// <summary>GET /object_info/{class}: that class (combos filled in now), or null when unknown.</summary>
    public JsonObject? ObjectInfo(string classType) => throw new NotImplementedException("H1");
}

/// <param name="Name">Class name, e.g. KSampler.</param>
/// <param name="IsOutputNode">ComfyUI's OUTPUT_NODE.</param>
/// <param name="OutputTypes">RETURN_TYPES, e.g. ["MODEL","CLIP","VAE"].</param>
/// <param name="Inputs">Declared inputs: required first, then optional, each in input_order.</param>
public sealed record NodeSchema(string Name, bool IsOutputNode, IReadOnlyList<string> OutputTypes, IReadOnlyList<NodeInput> Inputs);

/// <param name="Name">Input name.</param>
/// <param name="Required">Declared under "required" (else "optional").</param>
/// <param name="Type">A type string (INT, FLOAT, STRING, BOOLEAN, MODEL, COMBO, …) or, for a classic combo, a JSON array of choices (live).</param>
/// <param name="Options">The options object (default, min, max, …); empty when the schema has none.</param>
public sealed record NodeInput(string Name, bool Required, JsonNode Type, JsonObject Options);
