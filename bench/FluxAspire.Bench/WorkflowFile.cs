using System.Text.Json.Nodes;

namespace FluxAspire.Bench;

/// <summary>
/// The API's own text2img definition (FluxAspire.Api/workflows, linked into this build's output): the graph a direct
/// ComfyUI client queues is built from the same files the API builds it from, and the prompt is the definition's example.
/// </summary>
internal sealed class WorkflowFile
{
    private readonly JsonObject _graph;
    private readonly Dictionary<string, List<(string Node, string Input)>> _targets;

    private WorkflowFile(JsonObject graph, Dictionary<string, List<(string Node, string Input)>> targets, string prompt)
    {
        _graph = graph;
        _targets = targets;
        Prompt = prompt;
        OutputNode = graph.First(node => (string?)node.Value!["class_type"] == "SaveImage").Key;
    }

    /// <summary>The definition's example prompt.</summary>
    public string Prompt { get; }

    /// <summary>The SaveImage node whose image a direct client downloads.</summary>
    public string OutputNode { get; }

    public static WorkflowFile Text2Img { get; } = Load("text2img");

    /// <summary>The ComfyUI graph for these inputs, filled in the way the definition's "to" paths say.</summary>
    public JsonObject Graph(long seed, int size, int steps)
    {
        var graph = _graph.DeepClone().AsObject();
        foreach (var (name, value) in new (string, JsonNode)[] { ("prompt", Prompt), ("width", size), ("height", size), ("seed", seed), ("steps", steps) })
        {
            foreach (var (node, input) in _targets[name])
            {
                graph[node]!["inputs"]![input] = value.DeepClone();
            }
        }

        return graph;
    }

    /// <summary>The body of POST /workflow/text2img for the same inputs.</summary>
    public JsonObject Request(long seed, int size, int steps) =>
        new() { ["input"] = new JsonObject { ["prompt"] = Prompt, ["width"] = size, ["height"] = size, ["steps"] = steps, ["seed"] = seed } };

    private static WorkflowFile Load(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "workflows");
        var graph = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, $"{name}.json")))!.AsObject();
        var map = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, $"{name}.params.json")))!.AsObject();
        var targets = map["parameters"]!.AsObject().ToDictionary(
            p => p.Key,
            p => (p.Value!["to"] is JsonArray many ? many.Select(t => (string)t!) : [(string)p.Value["to"]!])
                .Select(path => path.Split('.') is [var node, "inputs", var input] ? (node, input) : throw new FormatException($"{name}: 'to' {path}"))
                .ToList());
        return new WorkflowFile(graph, targets, (string)map["example"]!["prompt"]!);
    }
}
