using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Delivery.Storage;
using FluxAspire.Api.Delivery.Uploads;
using FluxAspire.Api.Delivery.Webhooks;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Outputs;
using FluxAspire.Api.Pipeline.Problems;
using FluxAspire.Api.Pipeline.Prompts;
using FluxAspire.Api.Pipeline.Workflows;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline;

/// <summary>When a request arrived and what its Cache-Control says: read by the endpoint before parsing starts.</summary>
public readonly record struct Arrival(DateTimeOffset ReceivedAt, long Timestamp, CacheDirective Cache)
{
    public static Arrival Now(TimeProvider time, CacheDirective cache) => new(time.GetUtcNow(), time.GetTimestamp(), cache);
}

/// <summary>A parsed request: the <see cref="Submission"/>, or the 400 errors keyed by field, or (valid, but ComfyUI's
/// choices could not be read) the reason for a 503.</summary>
public sealed record ParsedSubmission(Submission? Submission, IDictionary<string, string[]> Errors, string? Unavailable);

/// <summary>
/// Reads and validates every job request once, whichever endpoint it came to: the graph (a client's, or built from a
/// workflow definition and its input), the id, and the delivery envelope (webhooks, uploads, convert_output,
/// credentials), each bad field a 400 error naming it.
/// </summary>
public sealed class SubmissionParser(
    IOutboundUrlGuard guard,
    StorageProviders storage,
    WorkflowLibrary library,
    WorkflowChoices choices,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    TimeProvider time)
{
    /// <summary>POST /prompt: a ComfyUI graph and the envelope.</summary>
    public async Task<ParsedSubmission> ParsePromptAsync(PromptRequest request, Arrival arrival, CancellationToken cancellationToken)
    {
        var errors = PromptGraph.Validate(request.Prompt);
        var id = ResolveId(request.Id, errors);
        var (delivery, credentials) = await ParseDeliveryAsync(request.Delivery(), errors, cancellationToken);
        if (errors.Count > 0)
        {
            return new ParsedSubmission(null, errors, null);
        }

        var graph = PromptGraph.WithIdPrefix(request.Prompt!, id!);
        var submission = new Submission(id!, graph, delivery, credentials, WebhookBodies.Echo(request), arrival.ReceivedAt, time.GetElapsedTime(arrival.Timestamp))
        {
            Cache = arrival.Cache,
            UsesResultCache = !delivery.AnswersAtOnce,
        };
        return new ParsedSubmission(submission, errors, null);
    }

    /// <summary>POST /workflow/{route}: the input checked against the definition (and ComfyUI's current choices), the
    /// graph built from it, and the envelope.</summary>
    public async Task<ParsedSubmission> ParseWorkflowAsync(WorkflowDefinition definition, JsonObject body, Arrival arrival, CancellationToken cancellationToken)
    {
        var sources = definition.Parameters.Select(p => p.ChoicesSource).OfType<ComfyChoiceSource>().Distinct().ToList();
        // Field ranges are checked even while ComfyUI is down; the choices need its lists.
        string? choicesProblem = null;
        try
        {
            await choices.LoadAsync(sources, cancellationToken);
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException)
        {
            choicesProblem = $"Could not read ComfyUI's choices for {string.Join(", ", sources)}: {ex.Message}";
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var envelope = WorkflowEnvelope.Read(body, errors);
        var (inputErrors, input) = WorkflowInputValidator.Validate(definition, envelope.Input, choices.Current);
        if (choicesProblem is null && inputErrors.Keys.Any(k => IsChoiceField(definition, k)) && await choices.TryRefreshAsync(sources, cancellationToken))
        {
            // A checkpoint copied in since the lists were read should not be refused.
            (inputErrors, input) = WorkflowInputValidator.Validate(definition, envelope.Input, choices.Current);
        }

        foreach (var (field, messages) in inputErrors)
        {
            errors[field] = messages;
        }

        var id = errors.ContainsKey("id") ? null : ResolveId(envelope.Id, errors);
        var (delivery, credentials) = await ParseDeliveryAsync(envelope.Delivery, errors, cancellationToken);
        if (errors.Count > 0 || choicesProblem is not null)
        {
            return new ParsedSubmission(null, errors, choicesProblem);
        }

        var graph = PromptGraph.WithIdPrefix(definition.Build(input!), id!);
        var submission = new Submission(id!, graph, delivery, credentials, WorkflowEcho(envelope, input!), arrival.ReceivedAt, time.GetElapsedTime(arrival.Timestamp))
        {
            Cache = arrival.Cache,
            HasRandomDefaults = definition.DrawsRandomDefault(envelope.Input),
            UsesResultCache = !delivery.AnswersAtOnce,
            WorkflowInput = input,
            FieldsOfGraphInputs = definition.FieldsOfGraphInputs,
            Workflow = definition.Route,
        };
        return new ParsedSubmission(submission, errors, null);
    }

    /// <summary>POST /jobs: either form of the body ({prompt} or {workflow, input}), checked exactly as POST /prompt or
    /// POST /workflow/{name} would; the job keeps its outputs and always uses the result cache.</summary>
    public async Task<ParsedSubmission> ParseJobAsync(JsonObject body, Arrival arrival, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var prompt = body["prompt"];
        var workflow = body["workflow"];
        if ((prompt is null) == (workflow is null))
        {
            var message = prompt is null ? "one of prompt or workflow is required" : "give either prompt or workflow, not both";
            errors["prompt"] = [message];
            errors["workflow"] = [message];
            return new ParsedSubmission(null, errors, null);
        }

        ParsedSubmission parsed;
        if (workflow is not null)
        {
            var routes = string.Join(", ", library.Definitions.Select(d => d.Route));
            if (workflow is not JsonValue name || name.GetValueKind() != JsonValueKind.String)
            {
                errors["workflow"] = [$"must be a string naming a workflow: {routes}"];
                return new ParsedSubmission(null, errors, null);
            }

            var route = name.GetValue<string>();
            if (library.Definitions.FirstOrDefault(d => d.Route == route) is not { } definition)
            {
                errors["workflow"] = [$"unknown workflow '{route}'; the workflows are: {routes}"];
                return new ParsedSubmission(null, errors, null);
            }

            parsed = await ParseWorkflowAsync(definition, body, arrival, cancellationToken);
            parsed.Submission?.Echo.Insert(0, "workflow", route);
        }
        else
        {
            PromptRequest request;
            try
            {
                request = body.Deserialize<PromptRequest>(json.Value.SerializerOptions)!;
            }
            catch (JsonException ex)
            {
                var (field, message) = ApiProblems.DescribeJsonError(ex);
                errors[field] = [message];
                return new ParsedSubmission(null, errors, null);
            }

            parsed = await ParsePromptAsync(request, arrival, cancellationToken);
        }

        var previews = body["previews"] switch
        {
            null => false,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => (bool?)null,
        };
        if (previews is null)
        {
            var invalid = new Dictionary<string, string[]>(parsed.Errors, StringComparer.Ordinal) { ["previews"] = ["must be true or false"] };
            return new ParsedSubmission(null, invalid, null);
        }

        return parsed.Submission is { } submission
            ? parsed with { Submission = submission with { RetainOutputs = true, UsesResultCache = true, Previews = previews.Value } }
            : parsed;
    }

    /// <summary>The request id to use, or a validation error for a bad one.</summary>
    private static string? ResolveId(string? requested, IDictionary<string, string[]> errors)
    {
        if (requested is null)
        {
            return RequestIds.New();
        }

        if (!RequestIds.IsValid(requested))
        {
            errors["id"] = [RequestIds.Rule];
            return null;
        }

        return requested;
    }

    /// <summary>
    /// The envelope's delivery fields, typed; a 400 error per bad or refused (SSRF) field: webhook, webhook_v2,
    /// http_upload.*, s3.*, azure_blob_upload.*, hf_upload.* (or the provider not configured here), convert_output.*,
    /// credentials[*] (an s3 credential's custom endpoint must pass the SSRF guard).
    /// </summary>
    private async Task<(JobDelivery Delivery, RequestCredentials Credentials)> ParseDeliveryAsync(
        DeliveryOptions raw, IDictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var convert = ConvertOutputOptions.Parse(raw.ConvertOutput, errors);
        var credentials = RequestCredentials.Parse(raw.Credentials, errors);
        var webhook = await CheckUrlAsync("webhook", raw.Webhook, errors, cancellationToken);
        var webhookV2 = await CheckUrlAsync("webhook_v2", raw.WebhookV2, errors, cancellationToken);
        var (s3, azure, hf) = storage.ParseUploads(raw.OtherUploads, errors);
        var upload = HttpUploadRequest.Parse(raw.HttpUpload, errors);
        if (upload is not null)
        {
            await CheckUrlAsync($"{HttpUploadRequest.Field}.url_prefix", upload.UrlPrefix.ToString(), errors, cancellationToken);
        }

        foreach (var (index, endpoint) in credentials.S3Endpoints)
        {
            await CheckUrlAsync($"credentials[{index}].auth.endpoint", endpoint.ToString(), errors, cancellationToken);
        }

        return (new JobDelivery
        {
            Webhook = webhook, WebhookV2 = webhookV2, ConvertOutput = convert, HttpUpload = upload,
            S3Upload = s3, AzureBlobUpload = azure, HfUpload = hf,
        }, credentials);
    }

    private async Task<Uri?> CheckUrlAsync(string field, string? url, IDictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (url is null) return null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            errors[field] = ["must be an absolute http or https URL"];
            return null;
        }

        var check = await guard.ValidateAsync(uri, cancellationToken);
        if (!check.Allowed) errors[field] = [$"refused: {check.Reason}"];
        return uri;
    }

    /// <summary>The envelope as the client sent it, with the input's defaults filled in (the 202 and webhook echo).</summary>
    private static JsonObject WorkflowEcho(WorkflowEnvelope envelope, JsonObject input)
    {
        var echo = new JsonObject { ["input"] = input.DeepClone() };
        if (envelope.Id is not null) echo["id"] = envelope.Id;
        if (envelope.Delivery.Webhook is not null) echo["webhook"] = envelope.Delivery.Webhook;
        if (envelope.Delivery.WebhookV2 is not null) echo["webhook_v2"] = envelope.Delivery.WebhookV2;
        if (envelope.Delivery.ConvertOutput is not null) echo["convert_output"] = envelope.Delivery.ConvertOutput.DeepClone();
        if (envelope.Delivery.HttpUpload is not null) echo["http_upload"] = envelope.Delivery.HttpUpload.DeepClone();
        foreach (var (key, value) in envelope.Delivery.OtherUploads)
        {
            echo[key] = value?.DeepClone();
        }
        return echo;
    }

    private static bool IsChoiceField(WorkflowDefinition definition, string field) =>
        definition.Parameters.Any(p => p.ChoicesSource is not null && field == $"input.{p.Name}");
}
