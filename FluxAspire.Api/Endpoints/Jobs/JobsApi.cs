using FluxAspire.Api.Operations.Backpressure;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>
/// Asynchronous jobs: POST /jobs answers 202 at once; the job runs on the same pipeline as the synchronous endpoints and
/// is read back (status, progress, outputs, events) through <see cref="IJobStore"/> alone, so any replica answers for
/// any job when the store is shared.
/// </summary>
public static class JobsApi
{
    public static string JobPath(string id) => $"/jobs/{Uri.EscapeDataString(id)}";

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/jobs").WithTags("Jobs");
        group.MapPost("/", SubmitAsync)
            .WithName("SubmitJob")
            .WithSummary("Submit a job")
            .WithDescription("Queues {prompt: graph} (as POST /prompt) or {workflow: \"text2img\", input} (as POST /workflow/text2img) " +
                "with the usual envelope (id, webhook, webhook_v2, convert_output, http_upload, credentials) and answers 202 with the job " +
                "(status \"queued\") and Location: /jobs/{id}. Webhooks and http_upload are delivered when the job ends. With an " +
                "Idempotency-Key header (1–255 visible ASCII characters) a retry with the same body answers 200 with the same job " +
                "(header Idempotent-Replayed: true) and queues nothing; the same key with another body is a 422. The job's outputs " +
                "are kept for Jobs:Retention after it ends. A job whose resolved graph (explicit seed) was already computed is " +
                "answered from the result cache: it is born succeeded (X-Cache: hit) and never reaches ComfyUI; Cache-Control: no-cache " +
                "runs it anyway.")
            .Accepts<JobSubmission>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithResultCache()
            .WithBackpressure();
        group.MapGet("/", JobList.ListAsync)
            .WithName("ListJobs")
            .WithSummary("List recent jobs")
            .WithDescription("The jobs submitted with POST /jobs that are still kept (Jobs:Retention), newest first, across every replica " +
                "when they share Redis: each with its job body (status, progress, times, output URLs), the workflow, prompt text, size and " +
                "workflow input it ran with. limit: 1–100 (default 20); before: a job id, to page on from it (the answer's next URL does).")
            .ProducesValidationProblem();
        group.MapGet("/{id}", GetAsync)
            .WithName("GetJob")
            .WithSummary("Get a job")
            .WithDescription("The job's status (queued, running, succeeded, failed, canceled), while queued its queue_position (1 = next " +
                "to start), latest sampler progress, times, attempts, and its result (outputs with their download URLs, stats) or error ({type, message, details}).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}/outputs/{index:int}", GetOutputAsync)
            .WithName("GetJobOutput")
            .WithSummary("Download a job output")
            .WithDescription("The raw bytes of output {index} of a succeeded job, with its Content-Type (image/png, image/jpeg, image/webp). " +
                "409 while the job has not succeeded; 404 for an unknown job or index, or once the bytes have expired; 410 when the " +
                "outputs went to storage (s3, azure_blob_upload, hf_upload), which keeps them instead of this API.")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "image/png", "image/jpeg", "image/webp")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone);
        group.MapGet("/{id}/events", GetEvents)
            .WithName("GetJobEvents")
            .WithSummary("Follow a job (Server-Sent Events)")
            .WithDescription("text/event-stream: \"snapshot\" (the job body, with queue_position while queued) on connect, then the job's " +
                "events from its start — \"status\" ({status, attempt, at}), while the job is queued \"queue\" ({status: \"queued\", " +
                "queue_position}) whenever its place changes (read every Jobs:QueuePositionInterval), \"progress\" ({value, max, node}, one per sampler step) and, for a job submitted with \"previews\": true " +
                "while ComfyUI runs with a --preview-method, \"preview\" ({step, max, node, image: a data:image/jpeg;base64 URL of the latent, " +
                "at most one per Jobs:PreviewInterval}) — and finally \"succeeded\", \"failed\" " +
                "or \"canceled\" with the final job body, after which the stream ends. Every event has an id; reconnect with " +
                "Last-Event-ID to continue after it; a reconnect after the final event gets 204 (an EventSource then stops). " +
                "Comment lines (\": keep-alive\") every Jobs:EventsKeepAlive.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/cancel", CancelAsync)
            .WithName("CancelJob")
            .WithSummary("Cancel a job")
            .WithDescription("A queued job ends at once and never reaches ComfyUI; a running one is removed from ComfyUI's queue or " +
                "interrupted there. Answers 200 with the job (status \"canceled\"); a job that has already ended is returned unchanged.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    internal static Task<Results<Accepted<JobResponse>, Ok<JobResponse>, ValidationProblem, ProblemHttpResult>> SubmitAsync(
        HttpContext httpContext, JobSubmitter submitter, CancellationToken cancellationToken) =>
        submitter.SubmitAsync(httpContext, cancellationToken);

    internal static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> GetAsync(
        string id, IJobStore store, IJobQueue queue, IOptions<ComfyOptions> comfyOptions, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } job
            ? TypedResults.Ok(JobResponse.From(job, comfyOptions.Value.IncludeTraceback) with { QueuePosition = await QueuePositionAsync(job, queue, cancellationToken) })
            : JobProblems.NotFound(id);

    /// <summary>A queued job's place in the queue, read now (<see cref="JobResponse.QueuePosition"/>); null for any other.</summary>
    internal static async ValueTask<int?> QueuePositionAsync(JobRecord job, IJobQueue queue, CancellationToken cancellationToken) =>
        job.Status == JobStatus.Queued ? await queue.PositionAsync(job.Id, cancellationToken) : null;

    internal static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetOutputAsync(
        string id, int index, HttpContext httpContext, IJobStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } job)
        {
            return JobProblems.NotFound(id);
        }

        if (job.Status != JobStatus.Succeeded)
        {
            return JobProblems.OutputNotReady(job);
        }

        var count = job.Result?.Files.Count ?? 0;
        if (index < 0 || index >= count)
        {
            return JobProblems.NoSuchOutput(id, index, count);
        }

        if (job.Request.Delivery is { OutputsLeaveForStorage: true, Upload: { } upload })
        {
            return JobProblems.OutputsUploaded(id, upload.Field);
        }

        if (await store.GetOutputAsync(id, index, cancellationToken) is not { Content.Length: > 0 } file)
        {
            return JobProblems.OutputExpired(id, index);
        }

        var disposition = new ContentDispositionHeaderValue("inline");
        disposition.SetHttpFileName(file.Filename);
        httpContext.Response.Headers.ContentDisposition = disposition.ToString();
        // A stream over the held bytes (Content-Length from its length): the bytes stay alive while it is sent.
        return TypedResults.Stream(file.Content.OpenRead(), OutputContentTypes.Of(file.Filename));
    }

    internal static async Task<Results<JobEventStream, NoContent, ProblemHttpResult>> GetEvents(
        string id, HttpRequest request, IJobStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } job)
        {
            return JobProblems.NotFound(id);
        }

        var header = request.Headers["Last-Event-ID"].ToString().Trim();
        var lastEventId = header.Length == 0 ? null : header;
        // An EventSource reconnects whenever a stream ends; 204 is how SSE tells it to stop, once it has seen the end.
        if (lastEventId is not null && job.IsFinished && !await AnyAsync(store.ReadEventsAsync(id, lastEventId, cancellationToken)))
        {
            return TypedResults.NoContent();
        }

        return new JobEventStream(job, lastEventId);
    }

    private static async Task<bool> AnyAsync(IAsyncEnumerable<JobEvent> events)
    {
        await foreach (var _ in events)
        {
            return true;
        }

        return false;
    }

    internal static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> CancelAsync(
        string id, IJobStore store, JobService jobs, IOptions<JobsApiOptions> options, IOptions<ComfyOptions> comfyOptions,
        CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } job)
        {
            return JobProblems.NotFound(id);
        }

        if (!job.IsFinished)
        {
            await jobs.CancelAsync(id);
            // A running job stops when ComfyUI has dropped or interrupted it; wait for that, so the answer says "canceled".
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(options.Value.CancelWait);
            try
            {
                job = await store.WaitForEndAsync(id, wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                job = await store.GetAsync(id, cancellationToken) ?? job;
            }
            catch (KeyNotFoundException)
            {
            }
        }

        return TypedResults.Ok(JobResponse.From(job, comfyOptions.Value.IncludeTraceback));
    }
}
