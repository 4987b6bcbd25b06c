using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>One request field of a workflow endpoint and the graph inputs it fills.</summary>
/// <param name="Targets">Where the value goes: (node id, input name) pairs of the graph.</param>
/// <param name="Default">The value used when the field is left out; null when there is none.</param>
/// <param name="RandomDefault">The default is a fresh random seed per request (the recipe's floor(rand * 1e15)).</param>
/// <param name="Choices">A literal list of allowed values.</param>
/// <param name="ChoicesSource">A ComfyUI combo ("KSampler.sampler_name") whose current options are the allowed values.</param>
public sealed record WorkflowParameter(
    string Name,
    WorkflowParameterType Type,
    IReadOnlyList<(string Node, string Input)> Targets,
    bool Required,
    JsonNode? Default,
    bool RandomDefault,
    decimal? Min,
    decimal? Max,
    string? Description,
    IReadOnlyList<string>? Choices,
    ComfyChoiceSource? ChoicesSource)
{
    /// <summary>The longest string value accepted when a definition names no max_length: far above what FLUX's text
    /// encoders read (T5: 512 tokens), far below what would make a request expensive to carry.</summary>
    public const int DefaultMaxLength = 10_000;

    /// <summary>The longest string value accepted (string parameters; max_length in the definition).</summary>
    public int MaxLength { get; init; } = DefaultMaxLength;
}
