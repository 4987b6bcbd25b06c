using System.Text.Json.Serialization;

namespace FluxAspire.Api.Workflows;

/// <summary>POST /workflow/text2img: the recipe's envelope {input, id?}.</summary>
public sealed record Text2ImgRequest
{
    [JsonPropertyName("input")]
    public Text2ImgInput? Input { get; init; }

    /// <summary>Request id; a new UUID when left out.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }
}
