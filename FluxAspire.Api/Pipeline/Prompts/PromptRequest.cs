using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery.Uploads;
using FluxAspire.Api.Pipeline;

namespace FluxAspire.Api.Pipeline.Prompts;

/// <summary>POST /prompt: any ComfyUI API-format graph, plus an optional request id.</summary>
public sealed record PromptRequest
{
    /// <summary>Node id → {class_type, inputs}. At least one node needs a string "filename_prefix" input (e.g. SaveImage).</summary>
    [JsonPropertyName("prompt")]
    public JsonObject? Prompt { get; init; }

    /// <summary>Request id; a new UUID when left out. Becomes ComfyUI's prompt_id and prefixes output file names.</summary>
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

    /// <summary>{bucket, prefix, async}: upload to S3 (documented when AWS_REGION is set; a 400 otherwise).</summary>
    [JsonPropertyName("s3")]
    public JsonNode? S3 { get; init; }

    /// <summary>{container, blob_prefix, async}: upload to Azure Blob Storage (documented when AZURE_STORAGE_* is set).</summary>
    [JsonPropertyName("azure_blob_upload")]
    public JsonNode? AzureBlobUpload { get; init; }

    /// <summary>{repo, repo_type, revision, directory, async}: commit to the Hugging Face Hub (documented when HF_TOKEN is set).</summary>
    [JsonPropertyName("hf_upload")]
    public JsonNode? HfUpload { get; init; }

    /// <summary>[{url_pattern, auth}]: auth for URL downloads (image inputs, model URLs). Never echoed back.</summary>
    [JsonPropertyName("credentials")]
    public JsonNode? Credentials { get; init; }

    /// <summary>The delivery fields of the envelope, handed to the job.</summary>
    public DeliveryOptions Delivery() => new()
    {
        Webhook = Webhook,
        WebhookV2 = WebhookV2,
        ConvertOutput = ConvertOutput,
        HttpUpload = HttpUpload,
        OtherUploads = UnsupportedUploads.Collect(("s3", S3), ("azure_blob_upload", AzureBlobUpload), ("hf_upload", HfUpload)),
        Credentials = Credentials,
    };
}
