using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery.Uploads;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Outputs;

namespace FluxAspire.Api.Pipeline;

/// <summary>
/// Where and how a job's result goes, parsed and validated once by <see cref="SubmissionParser"/> from the envelope's
/// raw fields (<see cref="DeliveryOptions"/>). It travels with the job (also through Redis), so whichever
/// replica ends the job reads these typed values and never parses the request again.
/// </summary>
public sealed record JobDelivery
{
    public static JobDelivery None { get; } = new();

    /// <summary>Legacy webhook: one unsigned "output.complete" POST per output file.</summary>
    public Uri? Webhook { get; init; }

    /// <summary>One signed (Standard Webhooks) POST with the whole result.</summary>
    public Uri? WebhookV2 { get; init; }

    /// <summary>convert_output with its defaults filled in; null: outputs stay PNG.</summary>
    public ConvertOutputOptions? ConvertOutput { get; init; }

    /// <summary>http_upload: PUT each output to url_prefix/filename.</summary>
    public HttpUploadRequest? HttpUpload { get; init; }

    /// <summary>True when the request answers 202 at once: any webhook, or http_upload with async true.</summary>
    [JsonIgnore]
    public bool AnswersAtOnce => Webhook is not null || WebhookV2 is not null || HttpUpload is { Async: true };
}
