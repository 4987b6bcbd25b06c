using System.Text;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Files;
using FluxAspire.ComfySim.Nodes;

namespace FluxAspire.ComfySim.Execution;

/// <summary>
/// ComfyUI's default "classic" cache: a node's outputs (and UI output) are stored under a signature made of its class,
/// its IS_CHANGED value, its constant inputs and its ancestors' signatures (CacheKeySetInputSignature). When a prompt
/// starts, entries not used by that prompt are dropped, so only the previous prompt's nodes stay cached.
/// </summary>
public sealed class OutputCache(ComfyFolders folders)
{
    private readonly Dictionary<string, IReadOnlyList<SimValue?>> _outputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UiEntry> _ui = new(StringComparer.Ordinal);
    private Dictionary<string, string> _signatures = new(StringComparer.Ordinal);

    /// <summary>set_prompt + clean_unused: computes every node's signature and forgets entries this prompt cannot use.</summary>
    public void SetPrompt(JsonObject graph)
    {
        var signatures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (nodeId, _) in graph)
        {
            signatures[nodeId] = Signature(graph, nodeId);
        }

        _signatures = signatures;
        var used = new HashSet<string>(signatures.Values, StringComparer.Ordinal);
        foreach (var key in _outputs.Keys.Where(k => !used.Contains(k)).ToList()) _outputs.Remove(key);
        foreach (var key in _ui.Keys.Where(k => !used.Contains(k)).ToList()) _ui.Remove(key);
    }

    public void Reset()
    {
        _outputs.Clear();
        _ui.Clear();
        _signatures = new(StringComparer.Ordinal);
    }

    public bool IsCached(string nodeId) => _signatures.TryGetValue(nodeId, out var key) && _outputs.ContainsKey(key);

    public IReadOnlyList<SimValue?>? GetOutputs(string nodeId) =>
        _signatures.TryGetValue(nodeId, out var key) && _outputs.TryGetValue(key, out var outputs) ? outputs : null;

    public UiEntry? GetUi(string nodeId) =>
        _signatures.TryGetValue(nodeId, out var key) && _ui.TryGetValue(key, out var ui) ? ui : null;

    public void Set(string nodeId, IReadOnlyList<SimValue?> outputs, UiEntry? ui)
    {
        var key = _signatures[nodeId];
        _outputs[key] = outputs;
        if (ui is not null)
        {
            _ui[key] = ui;
        }
    }

    private string Signature(JsonObject graph, string nodeId)
    {
        // get_ordered_ancestry: ancestors in depth-first order over sorted input names, each referenced by its index.
        var ancestors = new List<string>();
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        CollectAncestry(graph, nodeId, ancestors, order);
        var sb = new StringBuilder();
        AppendImmediate(sb, graph, nodeId, order);
        foreach (var ancestor in ancestors)
        {
            sb.Append('|');
            AppendImmediate(sb, graph, ancestor, order);
        }

        return sb.ToString();
    }

    private static void CollectAncestry(JsonObject graph, string nodeId, List<string> ancestors, Dictionary<string, int> order)
    {
        if (!graph.ContainsKey(nodeId)) return;
        var inputs = GraphLinks.Inputs(graph, nodeId);
        foreach (var key in inputs.Select(p => p.Key).Order(StringComparer.Ordinal))
        {
            if (GraphLinks.TryGetLink(inputs[key], out var ancestor, out _) && !order.ContainsKey(ancestor))
            {
                ancestors.Add(ancestor);
                order[ancestor] = ancestors.Count - 1;
                CollectAncestry(graph, ancestor, ancestors, order);
            }
        }
    }

    private void AppendImmediate(StringBuilder sb, JsonObject graph, string nodeId, Dictionary<string, int> order)
    {
        if (!graph.ContainsKey(nodeId))
        {
            sb.Append("NaN:").Append(Guid.NewGuid()); // a missing node can never be cached
            return;
        }

        var classType = GraphLinks.ClassType(graph, nodeId);
        sb.Append(classType).Append('(').Append(IsChanged(graph, nodeId, classType)).Append(')');
        var inputs = GraphLinks.Inputs(graph, nodeId);
        foreach (var key in inputs.Select(p => p.Key).Order(StringComparer.Ordinal))
        {
            sb.Append(';').Append(key).Append('=');
            if (GraphLinks.TryGetLink(inputs[key], out var ancestor, out var slot))
            {
                sb.Append("ANCESTOR:").Append(order[ancestor]).Append(':').Append(slot);
            }
            else
            {
                sb.Append(inputs[key]?.ToJsonString() ?? "null");
            }
        }
    }

    /// <summary>LoadImage's IS_CHANGED hashes the file, so a replaced input image is loaded again.</summary>
    private string IsChanged(JsonObject graph, string nodeId, string classType)
    {
        if (classType is not ("LoadImage" or "LoadImageMask" or "LoadImageOutput"))
        {
            return "";
        }

        var name = GraphLinks.Inputs(graph, nodeId)["image"]?.ToString();
        var path = name is null ? null : AnnotatedFilePath.Resolve(folders, name);
        if (path is null || !File.Exists(path))
        {
            return "NaN:" + Guid.NewGuid(); // NaN != NaN: never cached
        }

        var info = new FileInfo(path);
        return $"{info.Length}:{info.LastWriteTimeUtc.Ticks}";
    }
}

/// <summary>A node's cached UI output and the meta ComfyUI stores beside it in history.</summary>
public sealed record UiEntry(JsonObject Output, string NodeId);
