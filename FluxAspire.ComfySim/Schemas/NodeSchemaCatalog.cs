using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Files;

namespace FluxAspire.ComfySim.Schemas;

/// <summary>The 377 node schemas of ComfyUI 0.3.64 (trimmed object_info), with folder-backed combo lists read live.</summary>
public sealed class NodeSchemaCatalog(ComfyFolders folders)
{
    private static readonly Lazy<CatalogData> Data = new(CatalogData.Load);

    private readonly ComfyFolders _folders = folders;

    /// <summary>The folders the live combo lists (and file validators) read.</summary>
    public ComfyFolders Folders => _folders;

    /// <summary>The class names in object_info order.</summary>
    public static IReadOnlyList<string> ClassNames => Data.Value.Names;

    /// <summary>True when ComfyUI has a node of this class.</summary>
    public static bool Contains(string classType) => Data.Value.Classes.ContainsKey(classType);

    /// <summary>RETURN_TYPES of a class without touching the disk; null for an unknown class.</summary>
    public static IReadOnlyList<JsonNode>? OutputTypesOf(string classType) =>
        Data.Value.Classes.TryGetValue(classType, out var entry) ? entry.OutputTypeNodes : null;

    /// <summary>The schema with folder-backed combos as captured (not read from disk): for name, outputs and output flag.</summary>
    internal static NodeSchema? FindCached(string classType) => Data.Value.Classes.TryGetValue(classType, out var entry) ? entry.Schema : null;

    /// <summary>
    /// The schema of a class, or null when ComfyUI has no such node. Only this class's folder-backed combos read the
    /// disk; everything else is cached. The returned nodes are shared: read them, never change them.
    /// </summary>
    public NodeSchema? Find(string classType)
    {
        if (!Data.Value.Classes.TryGetValue(classType, out var entry))
        {
            return null;
        }

        if (entry.FolderInputs.Count == 0)
        {
            return entry.Schema;
        }

        var inputs = entry.Schema.Inputs.ToArray();
        foreach (var folderInput in entry.FolderInputs)
        {
            var input = inputs[folderInput.Index];
            var choices = ToJsonArray(folderInput.List(_folders));
            if (folderInput.IsV3)
            {
                var options = input.Options.DeepClone().AsObject();
                options["options"] = choices;
                inputs[folderInput.Index] = input with { Options = options };
            }
            else
            {
                inputs[folderInput.Index] = input with { Type = choices };
            }
        }

        return entry.Schema with { Inputs = inputs };
    }

    /// <summary>GET /object_info: every class, combos from model/input folders filled in now. A fresh object each call.</summary>
    public JsonObject ObjectInfo()
    {
        var all = Data.Value.Root.DeepClone().AsObject();
        foreach (var (name, entry) in Data.Value.Classes)
        {
            FillFolderCombos(all[name]!.AsObject(), entry);
        }

        return all;
    }

    /// <summary>
    /// GET /object_info/{class}: that class's info object (not wrapped in <c>{class: …}</c>), combos filled in now;
    /// null when unknown. A fresh object each call.
    /// </summary>
    public JsonObject? ObjectInfo(string classType)
    {
        if (!Data.Value.Classes.TryGetValue(classType, out var entry))
        {
            return null;
        }

        var info = entry.Info.DeepClone().AsObject();
        FillFolderCombos(info, entry);
        return info;
    }

    private void FillFolderCombos(JsonObject info, ClassEntry entry)
    {
        foreach (var folderInput in entry.FolderInputs)
        {
            var spec = info["input"]![folderInput.Section]![folderInput.Name]!.AsArray();
            var choices = ToJsonArray(folderInput.List(_folders));
            if (folderInput.IsV3)
            {
                spec[1]!["options"] = choices;
            }
            else
            {
                spec[0] = choices;
            }
        }
    }

    private static JsonArray ToJsonArray(IReadOnlyList<string> items)
    {
        var array = new JsonArray();
        foreach (var item in items)
        {
            array.Add(item);
        }

        return array;
    }

    private sealed record FolderInput(int Index, string Section, string Name, bool IsV3, Func<ComfyFolders, IReadOnlyList<string>> List);

    private sealed record ClassEntry(JsonObject Info, NodeSchema Schema, IReadOnlyList<JsonNode> OutputTypeNodes, IReadOnlyList<FolderInput> FolderInputs);

    private sealed record CatalogData(JsonObject Root, IReadOnlyList<string> Names, IReadOnlyDictionary<string, ClassEntry> Classes)
    {
        public static CatalogData Load()
        {
            using var stream = typeof(NodeSchemaCatalog).Assembly.GetManifestResourceStream("object_info.json")
                ?? throw new InvalidOperationException("embedded resource object_info.json is missing");
            var root = JsonNode.Parse(stream)!.AsObject();
            Materialize(root); // JsonNode fills its collections lazily, which is not thread-safe; do it once here.
            var classes = new Dictionary<string, ClassEntry>(StringComparer.Ordinal);
            foreach (var (name, node) in root)
            {
                classes[name] = BuildEntry(name, node!.AsObject());
            }

            return new CatalogData(root, [.. classes.Keys], classes);
        }

        private static ClassEntry BuildEntry(string name, JsonObject info)
        {
            var inputs = new List<NodeInput>();
            var folderInputs = new List<FolderInput>();
            var declared = info["input"]?.AsObject();
            var order = info["input_order"]?.AsObject();
            foreach (var section in (string[])["required", "optional"])
            {
                if (declared?[section] is not JsonObject specs)
                {
                    continue;
                }

                var names = order?[section] is JsonArray ordered ? ordered.Select(n => (string)n!).ToList() : [.. specs.Select(p => p.Key)];
                foreach (var inputName in names.Where(specs.ContainsKey))
                {
                    var spec = specs[inputName]!.AsArray();
                    var type = spec[0]!.DeepClone();
                    var options = spec.Count > 1 && spec[1] is JsonObject o ? o.DeepClone().AsObject() : [];
                    if (FolderBackedCombos.For(name, inputName) is { } lister)
                    {
                        var isV3 = type is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String && (string?)v == "COMBO";
                        folderInputs.Add(new FolderInput(inputs.Count, section, inputName, isV3, lister));
                    }

                    inputs.Add(new NodeInput(inputName, section == "required", type, options));
                }
            }

            var outputs = info["output"] is JsonArray outputArray ? outputArray.Select(o => o!.DeepClone()).ToList() : [];
            var schema = new NodeSchema(
                name,
                info["output_node"] is JsonValue outputNode && outputNode.GetValueKind() == System.Text.Json.JsonValueKind.True,
                [.. outputs.Select(o => o is JsonValue s && s.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)s! : o.ToJsonString())],
                inputs);
            return new ClassEntry(info, schema, outputs, folderInputs);
        }

        private static void Materialize(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (_, child) in o)
                    {
                        Materialize(child);
                    }

                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Materialize(child);
                    }

                    break;
            }
        }
    }
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
