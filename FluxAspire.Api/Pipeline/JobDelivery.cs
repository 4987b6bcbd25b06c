using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery.Storage;
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

    /// <summary>s3: each output to s3://bucket/prefix+filename.</summary>
    public S3UploadRequest? S3Upload { get; init; }

    /// <summary>azure_blob_upload: each output to the blob blob_prefix+filename of the container.</summary>
    public AzureBlobUploadRequest? AzureBlobUpload { get; init; }

    /// <summary>hf_upload: the outputs committed to a Hugging Face repo.</summary>
    public HfUploadRequest? HfUpload { get; init; }

    /// <summary>The upload that runs: the first key present in the recipe's order, S3, HF, Azure, HTTP.</summary>
    [JsonIgnore]
    public IUploadTarget? Upload => (IUploadTarget?)S3Upload ?? (IUploadTarget?)HfUpload ?? (IUploadTarget?)AzureBlobUpload ?? HttpUpload;

    /// <summary>The outputs go to a bucket, container or repo (s3, azure_blob_upload, hf_upload): the result then stays
    /// small, so its bytes are not stored in the result cache (see also <see cref="OutputsLeaveForStorage"/>).</summary>
    [JsonIgnore]
    public bool UploadsToStorage => Upload is S3UploadRequest or AzureBlobUploadRequest or HfUploadRequest;

    /// <summary>The outputs leave for a bucket, container or repo when the job ends (the legacy webhook, which takes
    /// precedence over an upload key, is not there): the job store keeps their description, never their bytes.</summary>
    [JsonIgnore]
    public bool OutputsLeaveForStorage => UploadsToStorage && Webhook is null;

    /// <summary>The upload signs with a matching request credential when there is one (s3 keys, a Hub token).</summary>
    [JsonIgnore]
    public bool UsesRequestCredentials => Upload is S3UploadRequest or HfUploadRequest;

    /// <summary>True when the request answers 202 at once: any webhook, or an upload with async true.</summary>
    [JsonIgnore]
    public bool AnswersAtOnce => Webhook is not null || WebhookV2 is not null || Upload is { Async: true };
}
