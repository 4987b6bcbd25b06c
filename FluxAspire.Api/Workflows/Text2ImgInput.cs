using System.Text.Json.Serialization;

namespace FluxAspire.Api.Workflows;

/// <summary>The recipe's text2img input. In a request every field but prompt may be left out; the response echoes it
/// with the defaults filled in.</summary>
public sealed record Text2ImgInput
{
    /// <summary>What to draw (node 6's text).</summary>
    [JsonPropertyName("prompt")]
    public string? Prompt { get; init; }

    [JsonPropertyName("width")]
    public int? Width { get; init; }

    [JsonPropertyName("height")]
    public int? Height { get; init; }

    /// <summary>KSampler seed, 0 to 2^64−1 as in ComfyUI; random when left out.</summary>
    [JsonPropertyName("seed")]
    public ulong? Seed { get; init; }

    [JsonPropertyName("steps")]
    public int? Steps { get; init; }

    [JsonPropertyName("cfg_scale")]
    public double? CfgScale { get; init; }

    [JsonPropertyName("sampler_name")]
    public string? SamplerName { get; init; }

    [JsonPropertyName("scheduler")]
    public string? Scheduler { get; init; }

    [JsonPropertyName("denoise")]
    public double? Denoise { get; init; }

    [JsonPropertyName("guidance")]
    public double? Guidance { get; init; }

    [JsonPropertyName("checkpoint")]
    public string? Checkpoint { get; init; }
}
