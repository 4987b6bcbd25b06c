using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline.Prompts;

/// <summary>A finished prompt, as the recipe returns it: outputs as base64 (no data: prefix) with their file names.</summary>
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

    public static PromptResponse From(JobResult result) => new()
    {
        Id = result.Id,
        Prompt = result.Graph,
        Images = result.Files.Select(f => Convert.ToBase64String(f.Content)).ToList(),
        Filenames = result.Files.Select(f => f.Filename).ToList(),
        Stats = PromptStats.From(result.Stats),
    };
}
