using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>
/// The body of POST /jobs, for the OpenAPI document: either a ComfyUI graph (<see cref="Prompt"/>, as POST /prompt) or a
/// workflow from the library with its input (as POST /workflow/{name}), plus the usual envelope. Read by hand, so each
/// bad field is a 400 naming it.
/// </summary>
public sealed record JobSubmission
{
    [JsonPropertyName("prompt")]
    [Description("A ComfyUI API-format graph (node id → {class_type, inputs}); at least one node needs a string filename_prefix. Give this or workflow, not both.")]
    public JsonObject? Prompt { get; init; }

    [JsonPropertyName("workflow")]
    [Description("A workflow of the library by its route (\"text2img\", \"img2img\", or a custom one); its input goes in input.")]
    public string? Workflow { get; init; }

    [JsonPropertyName("input")]
    [Description("The workflow's input, as POST /workflow/{workflow} takes it (defaults filled in).")]
    public JsonObject? Input { get; init; }

    [JsonPropertyName("previews")]
    [Description("Send the sampler's previews as \"preview\" events on GET /jobs/{id}/events (when ComfyUI runs with a --preview-method). Default false.")]
    public bool? Previews { get; init; }

    [JsonPropertyName("id")]
    [Description("Job id; a new UUID when left out. Becomes ComfyUI's prompt_id and prefixes output file names.")]
    public string? Id { get; init; }

    [JsonPropertyName("webhook")]
    [Description("Legacy webhook URL: one unsigned output.complete POST per output file when the job ends.")]
    public string? Webhook { get; init; }

    [JsonPropertyName("webhook_v2")]
    [Description("Webhook URL for one signed (Standard Webhooks) POST with the whole result when the job ends.")]
    public string? WebhookV2 { get; init; }

    [JsonPropertyName("convert_output")]
    [Description("{format: jpeg|jpg|webp, options}: convert outputs before storing them.")]
    public JsonObject? ConvertOutput { get; init; }

    [JsonPropertyName("http_upload")]
    [Description("{url_prefix}: also PUT each output to url_prefix/filename when the job ends.")]
    public JsonObject? HttpUpload { get; init; }

    [JsonPropertyName("credentials")]
    [Description("[{url_pattern, auth}]: auth for URL downloads (image inputs, model URLs). Never echoed.")]
    public JsonArray? Credentials { get; init; }
}
