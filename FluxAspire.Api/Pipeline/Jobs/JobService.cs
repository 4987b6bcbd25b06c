using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>The one way into the pipeline: submit a job, wait for it, cancel it. A synchronous endpoint is
/// <see cref="RunAsync"/>: submit, then wait.</summary>
public sealed class JobService(
    IJobStore store,
    IJobQueue queue,
    JobWorker worker,
    JobEnding ending,
    IRemoteJobStopper remote,
    HeldCredentials heldCredentials,
    ReplicaIdentity replica,
    IOptions<JobsOptions> options,
    TimeProvider time)
{
    /// <summary>Stores and queues a job, its inputs already resolved (Pipeline/JobRunner). Throws <see cref="DuplicateJobException"/> when the id is taken.</summary>
    /// <remarks>A job delivered by whichever replica ends it (<see cref="JobRequest.Echo"/>) whose upload uses the
    /// request's credentials keeps them here and runs here only (<see cref="JobRequest.CredentialsHeldBy"/>).</remarks>
    public async Task<JobRecord> SubmitAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var pinned = request.UploadCredentials.Count > 0 && request.Echo is not null;
        if (pinned)
        {
            request = request with { CredentialsHeldBy = replica.Id };
            heldCredentials.Hold(request.Id, request.UploadCredentials);
        }

        var job = new JobRecord(request, request.ReceivedAt + options.Value.Timeout);
        if (!await store.TryAddAsync(job, cancellationToken))
        {
            if (pinned) heldCredentials.Drop(request.Id); // the job of that id is another request's
            throw new DuplicateJobException(request.Id);
        }

        JobTelemetry.RecordAccepted(request);
        await (pinned ? queue.EnqueueHereAsync(request.Id, cancellationToken) : queue.EnqueueAsync(request.Id, cancellationToken));

        return job;
    }

    /// <summary>Records a job whose result is already known (a result-cache hit): it ends at once as succeeded, never
    /// reaches ComfyUI, and its webhooks go out as for any other job.</summary>
    public async Task<JobRecord> SubmitFinishedAsync(JobRequest request, JobResult result, CancellationToken cancellationToken)
    {
        var job = new JobRecord(request, request.ReceivedAt + options.Value.Timeout);
        if (!await store.TryAddAsync(job, cancellationToken))
        {
            throw new DuplicateJobException(request.Id);
        }

        JobTelemetry.RecordAccepted(request);
        await ending.EndAsync(request, result, null);
        JobTelemetry.RecordEnd(null, time.GetUtcNow() - request.ReceivedAt, request.Workflow); // no worker ever sees it
        return await store.GetAsync(request.Id, cancellationToken) ?? job;
    }

    /// <summary>Submits and waits for the end. If the caller goes away first, the job is cancelled.</summary>
    public async Task<JobRecord> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var job = await SubmitAsync(request, CancellationToken.None);
        try
        {
            // The worker ends every job by its deadline; the extra margin only guards against a bug there.
            using var safety = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            safety.CancelAfter(job.Deadline - time.GetUtcNow() + TimeSpan.FromSeconds(10));
            try
            {
                return await store.WaitForResultAsync(job, safety.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await ending.EndAsync(job.Request, null, JobFailures.DeadlineExceeded(options.Value.Timeout));
                return (await store.GetAsync(job.Id, CancellationToken.None))!;
            }
        }
        catch (OperationCanceledException)
        {
            await CancelAsync(job.Id);
            throw;
        }
    }

    /// <summary>
    /// Cancels a job: its end is recorded at once (a queued one then never reaches ComfyUI), and the replica running it,
    /// this one or another, removes it from ComfyUI's queue or interrupts it there. False when it had already ended.
    /// </summary>
    public async Task<bool> CancelAsync(string id, JobFailure? reason = null)
    {
        if (await store.GetAsync(id, CancellationToken.None) is not { IsFinished: false } job)
        {
            return false;
        }

        reason ??= JobFailures.Cancelled();
        var ended = await ending.EndAsync(job.Request, null, reason);
        if (ended && job.Status == JobStatus.Queued)
        {
            // Never started, so no worker records its end; a running one's worker does when it stops.
            JobTelemetry.RecordEnd(reason, time.GetUtcNow() - job.Request.ReceivedAt, job.Request.Workflow);
        }

        if (!worker.TryCancelRunning(id, reason) && job.Status == JobStatus.Running)
        {
            await remote.StopElsewhereAsync(id, reason);
        }

        return ended;
    }
}
