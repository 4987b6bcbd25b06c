using System.Text.Json.Serialization;
using FluxAspire.Api.Prompts;

namespace FluxAspire.Api.Workflows;

/// <summary>The /prompt response plus the input with its defaults filled in (the seed that was used, for instance).</summary>
public sealed record Text2ImgResponse : PromptResponse
{
    [JsonPropertyName("input")]
    public required Text2ImgInput Input { get; init; }
}
