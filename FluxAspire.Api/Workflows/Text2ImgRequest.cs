using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery;

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

    [JsonPropertyName("webhook")]
    public string? Webhook { get; init; }

    [JsonPropertyName("webhook_v2")]
    public string? WebhookV2 { get; init; }

    [JsonPropertyName("convert_output")]
    public JsonObject? ConvertOutput { get; init; }

    [JsonPropertyName("http_upload")]
    public JsonObject? HttpUpload { get; init; }

    /// <summary>The delivery fields of the envelope, handed to the job.</summary>
    public DeliveryOptions Delivery() => new()
    {
        Webhook = Webhook,
        WebhookV2 = WebhookV2,
        ConvertOutput = ConvertOutput,
        HttpUpload = HttpUpload,
    };
}
