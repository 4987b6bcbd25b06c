using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>A workflow endpoint: POST /workflow/{Route} fills <see cref="Parameters"/> into a copy of
/// <see cref="Graph"/> and runs it.</summary>
/// <param name="Route">"text2img", or "sdxl/txt2img" for a definition in a sub-folder.</param>
/// <param name="SchemaName">Prefix of its OpenAPI schemas (Text2Img → Text2ImgRequest, Text2ImgInput, Text2ImgResponse).</param>
/// <param name="Source">The parameter map file it was read from, for messages.</param>
public sealed record WorkflowDefinition(
    string Route,
    string SchemaName,
    string Summary,
    string Description,
    JsonObject Graph,
    IReadOnlyList<WorkflowParameter> Parameters,
    JsonObject? Example,
    string Source)
{
    /// <summary>A copy of the graph with each filled value placed at its targets.</summary>
    public JsonObject Build(JsonObject filledInput)
    {
        var graph = Graph.DeepClone().AsObject();
        foreach (var parameter in Parameters)
        {
            foreach (var (node, input) in parameter.Targets)
            {
                graph[node]!["inputs"]![input] = filledInput[parameter.Name]?.DeepClone();
            }
        }

        return graph;
    }

    /// <summary>Which request field each graph input comes from ("prompt.10.inputs.image" → "input.image"), so a
    /// problem found in the built graph is reported under the field the caller sent.</summary>
    public IReadOnlyDictionary<string, string> FieldsOfGraphInputs => field ??= Parameters
        .SelectMany(p => p.Targets.Select(t => (Graph: $"prompt.{t.Node}.inputs.{t.Input}", Field: $"input.{p.Name}")))
        .DistinctBy(x => x.Graph)
        .ToDictionary(x => x.Graph, x => x.Field, StringComparer.Ordinal);

    /// <summary>True when <paramref name="input"/> (as the caller sent it) leaves out a field whose default is drawn at
    /// random ("default": "random", such as the seed), so the built graph differs from one request to the next.</summary>
    public bool DrawsRandomDefault(JsonNode? input) =>
        Parameters.Any(p => p.RandomDefault && (input as JsonObject)?[p.Name] is null);
}
