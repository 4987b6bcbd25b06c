using System.Text.Json.Serialization;

namespace FluxAspire.Api.Workflows;

/// <summary>The recipe's text2img envelope {input, id?, ...} as a typed record. The endpoint reads envelopes generically
/// (<see cref="WorkflowEnvelope"/>); this stays the typed reference of the shape and of the type-error messages.</summary>
public sealed record Text2ImgRequest
{
    [JsonPropertyName("input")]
    public Text2ImgInput? Input { get; init; }

    /// <summary>Request id; a new UUID when left out.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }
}
