using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FluxAspire.Api.Pipeline.Prompts;

/// <summary>A finished prompt, as the recipe returns it: outputs as base64 (no data: prefix) with their file names. The
/// shape the API documents; the body itself is written by <see cref="PromptResponseBody"/>, straight from the outputs.</summary>
public record PromptResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The graph as queued, with rewritten filename prefixes.</summary>
    [JsonPropertyName("prompt")]
    public required JsonObject Prompt { get; init; }

    [JsonPropertyName("images")]
    public required IReadOnlyList<string> Images { get; init; }

    [JsonPropertyName("filenames")]
    public required IReadOnlyList<string> Filenames { get; init; }

    [JsonPropertyName("stats")]
    public required PromptStats Stats { get; init; }
}
