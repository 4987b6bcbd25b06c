using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Comfy;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Jobs;
using FluxAspire.Api.Prompts;
using FluxAspire.Api.Webhooks;
using FluxAspire.Api.Workflows;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.JobsApi;

/// <summary>
/// POST /jobs: builds the job exactly as POST /prompt or POST /workflow/{name} would (same checks, same graph), binds
/// the Idempotency-Key, queues the job and answers at once; webhooks and uploads go out when it ends.
/// </summary>
public sealed class JobSubmitter(
    JobService jobs,
    IJobStore store,
    ResultDelivery delivery,
    Caching.SyncResultCache cache,
    WorkflowLibrary library,
    WorkflowChoices choices,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    IOptions<ComfyOptions> comfyOptions,
    TimeProvider time)
{
    /// <summary>How long a retry waits for the first request with its key to create the job before it gets a 409.</summary>
    private static readonly TimeSpan FirstRequestWait = TimeSpan.FromSeconds(5);

    public async Task<Results<Accepted<JobResponse>, Ok<JobResponse>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        HttpContext http, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var preprocess = Stopwatch.StartNew();
        var keys = http.Request.Headers[IdempotencyKeys.Header];
        if (keys.Count > 1 || (keys.Count == 1 && !IdempotencyKeys.IsValid(keys[0])))
        {
            return Invalid(IdempotencyKeys.Header, IdempotencyKeys.Rule);
        }

        var key = keys.Count == 1 ? keys[0] : null;
        JsonObject? body = null;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: cancellationToken) as JsonObject;
        }
        catch (JsonException)
        {
        }

        if (body is null)
        {
            return Invalid("body", "must be a JSON object: {prompt: {…graph}} or {workflow: \"text2img\", input: {…}}, plus id, webhook, webhook_v2, convert_output, http_upload, credentials");
        }

        var (job, echo, errors, problem) = await BuildAsync(body, receivedAt, preprocess, cancellationToken);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        if (problem is not null)
        {
            return problem;
        }

        // Whichever replica ends the job sends its webhooks and uploads, from this echo.
        job = job! with { Echo = echo };

        job = job! with { RetainOutputs = true };
        if (key is not null)
        {
            var hash = IdempotencyKeys.RequestHash(body);
            if (await store.BindIdempotencyKeyAsync(key, job.Id, hash, cancellationToken) is { } earlier)
            {
                return earlier.RequestHash != hash ? JobProblems.IdempotencyKeyReused(key) : await ReplayAsync(http, key, earlier.JobId, cancellationToken);
            }
        }

        JobRecord submitted;
        try
        {
            // A result already computed for this exact graph and seed: the job is born succeeded, ComfyUI untouched.
            var lookup = await cache.LookupAsync(job, cancellationToken);
            submitted = lookup.Hit is { } hit
                ? await jobs.SubmitFinishedAsync(lookup.Job, hit, CancellationToken.None)
                : await jobs.SubmitAsync(lookup.Job with { CacheKey = lookup.Key }, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The job never existed (duplicate id, image input that could not be read …): a retry may try again.
            if (key is not null) await store.ReleaseIdempotencyKeyAsync(key, job.Id, CancellationToken.None);
            if (ex is DuplicateJobException duplicate) return ApiProblems.DuplicateId(duplicate.Id);
            throw;
        }

        return TypedResults.Accepted(JobsApi.JobPath(job.Id), Response(submitted));
    }

    /// <summary>The job and its webhook echo, from either form of the body; or the 400 errors, or a 503 problem.</summary>
    private async Task<(JobRequest? Job, JsonObject? Echo, Dictionary<string, string[]> Errors, ProblemHttpResult? Problem)> BuildAsync(
        JsonObject body, DateTimeOffset receivedAt, Stopwatch preprocess, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var prompt = body["prompt"];
        var workflow = body["workflow"];
        if ((prompt is null) == (workflow is null))
        {
            var message = prompt is null ? "one of prompt or workflow is required" : "give either prompt or workflow, not both";
            errors["prompt"] = [message];
            errors["workflow"] = [message];
            return (null, null, errors, null);
        }

        if (workflow is not null)
        {
            var routes = string.Join(", ", library.Definitions.Select(d => d.Route));
            if (workflow is not JsonValue name || name.GetValueKind() != JsonValueKind.String)
            {
                errors["workflow"] = [$"must be a string naming a workflow: {routes}"];
                return (null, null, errors, null);
            }

            var route = name.GetValue<string>();
            if (library.Definitions.FirstOrDefault(d => d.Route == route) is not { } definition)
            {
                errors["workflow"] = [$"unknown workflow '{route}'; the workflows are: {routes}"];
                return (null, null, errors, null);
            }

            var built = await WorkflowApi.PrepareAsync(definition, body, delivery, choices, receivedAt, preprocess, cancellationToken);
            built.Echo?.Insert(0, "workflow", route);
            return (built.Job, built.Echo, built.Errors, built.Problem);
        }

        PromptRequest request;
        try
        {
            request = body.Deserialize<PromptRequest>(json.Value.SerializerOptions)!;
        }
        catch (JsonException ex)
        {
            var (field, message) = BadRequestExceptionHandler.Describe(ex);
            errors[field] = [message];
            return (null, null, errors, null);
        }

        var (job, promptErrors) = await PromptApi.PrepareAsync(request, delivery, receivedAt, preprocess, cancellationToken);
        return (job, WebhookBodies.Echo(request), promptErrors, null);
    }

    /// <summary>A retry of a request already taken: 200 with the same job as it is now, never queued again.</summary>
    private async Task<Results<Accepted<JobResponse>, Ok<JobResponse>, ValidationProblem, ProblemHttpResult>> ReplayAsync(
        HttpContext http, string key, string jobId, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        JobRecord? job;
        // The first request binds its key before it stores the job; a retry in that instant waits for it.
        while ((job = await store.GetAsync(jobId, cancellationToken)) is null && waited.Elapsed < FirstRequestWait)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
        }

        if (job is null)
        {
            return JobProblems.IdempotencyKeyInProgress(key);
        }

        http.Response.Headers.Location = JobsApi.JobPath(jobId);
        http.Response.Headers["Idempotent-Replayed"] = "true";
        return TypedResults.Ok(Response(job));
    }

    private JobResponse Response(JobRecord job) => JobResponse.From(job, comfyOptions.Value.IncludeTraceback);

    private static ValidationProblem Invalid(string field, string message) =>
        ApiProblems.Validation(new Dictionary<string, string[]> { [field] = [message] });
}
