using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FluxAspire.Api.Pipeline;

/// <summary>
/// The recipe's optional envelope fields, shared by POST /prompt and POST /workflow/*: where and how results are
/// delivered, as sent. Pipeline/SubmissionParser validates them once into the typed JobDelivery the job
/// carries; nothing else reads them.
/// </summary>
public sealed record DeliveryOptions
{
    /// <summary>Legacy: one unsigned "output.complete" POST per output file; the request answers 202 at once.</summary>
    [JsonPropertyName("webhook")]
    public string? Webhook { get; init; }

    /// <summary>One signed (Standard Webhooks) POST with the whole result; the request answers 202 at once.</summary>
    [JsonPropertyName("webhook_v2")]
    public string? WebhookV2 { get; init; }

    /// <summary>{format: "jpeg"|"jpg"|"webp", options}: convert outputs before returning them.</summary>
    [JsonPropertyName("convert_output")]
    public JsonObject? ConvertOutput { get; init; }

    /// <summary>{url_prefix, async}: PUT each output to url_prefix/filename; responses then carry URLs.</summary>
    [JsonPropertyName("http_upload")]
    public JsonObject? HttpUpload { get; init; }

    /// <summary>The recipe's storage upload keys (s3, azure_blob_upload, hf_upload) as sent; Delivery/Storage parses those
    /// of the configured providers and refuses the others with a clear 400 instead of dropping them.</summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonNode?> OtherUploads { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>[{url_pattern, auth}] for URL downloads (Credentials/); raw, never serialized or echoed.</summary>
    [JsonIgnore]
    public JsonNode? Credentials { get; init; }
}
