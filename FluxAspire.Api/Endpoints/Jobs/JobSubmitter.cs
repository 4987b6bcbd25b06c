using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Endpoints.Errors;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>
/// POST /jobs: the body is parsed as POST /prompt or POST /workflow/{name} would parse it (same checks, same graph, one
/// <see cref="SubmissionParser"/>), the Idempotency-Key is bound, and the <see cref="JobRunner"/> queues the job; the
/// answer comes at once, webhooks and uploads go out when it ends.
/// </summary>
public sealed class JobSubmitter(
    IJobStore store,
    SubmissionParser parser,
    JobRunner runner,
    IOptions<ComfyOptions> comfyOptions,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    TimeProvider time)
{
    /// <summary>How long a retry waits for the first request with its key to create the job before it gets a 409.</summary>
    private static readonly TimeSpan FirstRequestWait = TimeSpan.FromSeconds(5);

    public async Task<Results<Accepted<JobResponse>, Ok<JobResponse>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        HttpContext http, CancellationToken cancellationToken)
    {
        var cache = CacheDirective.Of(http);
        var arrival = Arrival.Now(time, cache);
        var keys = http.Request.Headers[IdempotencyKeys.Header];
        if (keys.Count > 1 || (keys.Count == 1 && !IdempotencyKeys.IsValid(keys[0])))
        {
            return Invalid(IdempotencyKeys.Header, IdempotencyKeys.Rule);
        }

        var key = keys.Count == 1 ? keys[0] : null;
        var (body, unreadable) = await RequestJson.ReadObjectAsync(http.Request, json.Value.SerializerOptions,
            "must be a JSON object: {prompt: {…graph}} or {workflow: \"text2img\", input: {…}}, plus id, webhook, webhook_v2, convert_output, http_upload, credentials",
            cancellationToken);
        if (body is null)
        {
            return unreadable!;
        }

        var parsed = await parser.ParseJobAsync(body, arrival, cancellationToken);
        if (parsed.Errors.Count > 0)
        {
            return ApiProblems.Validation(parsed.Errors);
        }

        if (parsed.Submission is not { } submission)
        {
            return ApiProblems.ComfyUnavailable(parsed.Unavailable!);
        }

        if (key is not null)
        {
            var hash = IdempotencyKeys.RequestHash(body);
            if (await store.BindIdempotencyKeyAsync(key, submission.Id, hash, cancellationToken) is { } earlier)
            {
                return earlier.RequestHash != hash ? JobProblems.IdempotencyKeyReused(key) : await ReplayAsync(http, key, earlier.JobId, cancellationToken);
            }
        }

        JobRunner.SubmitOutcome submitted;
        try
        {
            submitted = await runner.SubmitAsync(submission, cancellationToken);
        }
        catch
        {
            // The job never existed (an image input that could not be read …): a retry may try again.
            if (key is not null) await store.ReleaseIdempotencyKeyAsync(key, submission.Id, CancellationToken.None);
            throw;
        }

        if (submitted.Problem is { } duplicate)
        {
            if (key is not null) await store.ReleaseIdempotencyKeyAsync(key, submission.Id, CancellationToken.None);
            return duplicate;
        }

        cache.Hit = submitted.FromCache;
        return TypedResults.Accepted(JobsApi.JobPath(submission.Id), Response(submitted.Job!));
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
