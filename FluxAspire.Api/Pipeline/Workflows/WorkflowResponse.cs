using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Pipeline.Prompts;

namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>The /prompt response plus the input with its defaults filled in (the seed that was used, for instance).</summary>
public sealed record WorkflowResponse : PromptResponse
{
    [JsonPropertyName("input")]
    public required JsonObject Input { get; init; }
}
