using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxAspire.Api.Backpressure;
using FluxAspire.Api.Caching;
using FluxAspire.Api.Comfy;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Jobs;
using FluxAspire.Api.Prompts;
using FluxAspire.Api.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Workflows;

/// <summary>POST /workflow/{route} for every definition in the <see cref="WorkflowLibrary"/> (text2img and img2img
/// built in).</summary>
public static class WorkflowApi
{
    public static IEndpointRouteBuilder MapWorkflowApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/workflow").WithTags("Workflows");
        foreach (var definition in routes.ServiceProvider.GetRequiredService<WorkflowLibrary>().Definitions)
        {
            group.MapPost("/" + definition.Route, (JsonObject body, SyncJobRunner runner, ResultDelivery delivery, WorkflowChoices choices, TimeProvider time, CancellationToken cancellationToken) =>
                    RunAsync(definition, body, runner, delivery, choices, time, cancellationToken))
                .WithName(definition.SchemaName)
                .WithSummary(definition.Summary)
                .WithDescription(definition.Description + " " + ApiProblems.StatusCodesDescription)
                .WithMetadata(definition)
                .ProducesJobProblems()
                .WithResultCache()
                .WithBackpressure();
        }

        return routes;
    }

    internal static async Task<Results<Ok<WorkflowResponse>, Accepted<JsonObject>, ValidationProblem, ProblemHttpResult>> RunAsync(
        WorkflowDefinition definition, JsonObject body, SyncJobRunner runner, ResultDelivery delivery, WorkflowChoices choices, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var preprocess = Stopwatch.StartNew();
        var (job, input, echo, errors, unavailable) = await PrepareAsync(definition, body, delivery, choices, receivedAt, preprocess, cancellationToken);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        if (unavailable is not null)
        {
            return unavailable;
        }

        var (accepted, response, problem) = await delivery.RunOrAcceptAsync(job!, echo!, runner, cancellationToken);
        return problem is not null ? problem
            : accepted is not null ? TypedResults.Accepted((string?)null, accepted)
            : TypedResults.Ok(WithInput(response!, input!));
    }

    /// <summary>
    /// Checks a workflow body (input against the definition, envelope) and builds its job with the filled input and the
    /// webhook echo. Errors first (400), then the problem (503: ComfyUI's choices could not be read). POST /jobs builds its
    /// {workflow, input} jobs here too.
    /// </summary>
    internal static async Task<(JobRequest? Job, JsonObject? Input, JsonObject? Echo, Dictionary<string, string[]> Errors, ProblemHttpResult? Problem)> PrepareAsync(
        WorkflowDefinition definition, JsonObject body, ResultDelivery delivery, WorkflowChoices choices, DateTimeOffset receivedAt, Stopwatch preprocess,
        CancellationToken cancellationToken)
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

        var id = errors.ContainsKey("id") ? null : SyncJobRunner.ResolveId(envelope.Id, errors);
        await delivery.ValidateAsync(envelope.Delivery, errors, cancellationToken);
        if (errors.Count > 0 || choicesProblem is not null)
        {
            return (null, null, null, errors, choicesProblem is null ? null : ApiProblems.ComfyUnavailable(choicesProblem));
        }

        var graph = PromptGraph.WithIdPrefix(definition.Build(input!), id!);
        var job = new JobRequest(id!, graph, receivedAt, preprocess.Elapsed)
        {
            Delivery = envelope.Delivery,
            HasRandomDefaults = definition.DrawsRandomDefault(envelope.Input),
        };
        return (job, input, Echo(envelope, input!), errors, null);
    }

    /// <summary>The envelope as the client sent it, with the input's defaults filled in (the 202 and webhook echo).</summary>
    private static JsonObject Echo(WorkflowEnvelope envelope, JsonObject input)
    {
        var echo = new JsonObject { ["input"] = input.DeepClone() };
        if (envelope.Id is not null) echo["id"] = envelope.Id;
        if (envelope.Delivery.Webhook is not null) echo["webhook"] = envelope.Delivery.Webhook;
        if (envelope.Delivery.WebhookV2 is not null) echo["webhook_v2"] = envelope.Delivery.WebhookV2;
        if (envelope.Delivery.ConvertOutput is not null) echo["convert_output"] = envelope.Delivery.ConvertOutput.DeepClone();
        if (envelope.Delivery.HttpUpload is not null) echo["http_upload"] = envelope.Delivery.HttpUpload.DeepClone();
        return echo;
    }

    private static bool IsChoiceField(WorkflowDefinition definition, string field) =>
        definition.Parameters.Any(p => p.ChoicesSource is not null && field == $"input.{p.Name}");

    private static WorkflowResponse WithInput(PromptResponse response, JsonObject input) => new()
    {
        Id = response.Id,
        Prompt = response.Prompt,
        Images = response.Images,
        Filenames = response.Filenames,
        Stats = response.Stats,
        Input = input,
    };
}
