namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>Where jobs, their progress and their results live: in this process, or in Redis shared by every replica.</summary>
public interface IJobStore
{
    /// <summary>Adds a new job (its Queued event included); false when the id is taken.</summary>
    ValueTask<bool> TryAddAsync(JobRecord job, CancellationToken cancellationToken);

    /// <summary>
    /// The job, or null. Its <see cref="JobResult.Files"/> may come without their bytes (empty <see cref="JobOutputFile.Content"/>,
    /// <see cref="JobOutputFile.Length"/> set) in a shared store: read them with <see cref="GetOutputAsync"/>.
    /// </summary>
    ValueTask<JobRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Output file <paramref name="index"/> of a succeeded job, bytes included; null if unknown or expired.</summary>
    ValueTask<JobOutputFile?> GetOutputAsync(string id, int index, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a queued job to running on <paramref name="replica"/> and counts the attempt; also takes over a job still
    /// marked running whose replica was lost. False if it has ended (cancelled meanwhile) or used up its attempts.
    /// </summary>
    ValueTask<bool> TryStartAsync(string id, string replica, CancellationToken cancellationToken);

    /// <summary>Records sampler progress of a running job (best effort: never fails the job).</summary>
    ValueTask ReportProgressAsync(string id, JobProgress progress, CancellationToken cancellationToken);

    /// <summary>Records a sampler preview of a running job as an event (best effort: never fails the job).</summary>
    ValueTask ReportPreviewAsync(string id, JobPreview preview, CancellationToken cancellationToken);

    /// <summary>
    /// Jobs submitted with POST /jobs (<see cref="JobRequest.RetainOutputs"/>) that are still retained, newest first, up to
    /// <paramref name="limit"/>, starting after <paramref name="before"/> (from the newest when null).
    /// </summary>
    ValueTask<IReadOnlyList<JobRecord>> ListAsync(JobListCursor? before, int limit, CancellationToken cancellationToken);

    /// <summary>Records the end of a job (once; later calls are ignored) and wakes its waiters. True when this call ended it.</summary>
    ValueTask<bool> CompleteAsync(string id, JobResult? result, JobFailure? failure, CancellationToken cancellationToken);

    /// <summary>Waits until the job has ended and returns its final record; in a shared store its outputs may come as
    /// descriptions only (for answers about the job, not its result).</summary>
    Task<JobRecord> WaitForEndAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// For the one waiter that delivers the job's result (a synchronous request): waits until the job has ended and returns
    /// its final record, output bytes included. A shared store hands them over in memory when this replica ran the job.
    /// <paramref name="job"/> is the record as submitted, so a waiter that loses the shared store can still be answered
    /// from this replica's worker.
    /// </summary>
    Task<JobRecord> WaitForResultAsync(JobRecord job, CancellationToken cancellationToken);

    /// <summary>
    /// The job's events after <paramref name="afterEventId"/> (all when null or "0"), then new ones as they happen; the
    /// sequence ends after the <see cref="JobEventKind.Ended"/> event. Empty for an unknown job.
    /// </summary>
    IAsyncEnumerable<JobEvent> ReadEventsAsync(string id, string? afterEventId, CancellationToken cancellationToken);

    /// <summary>
    /// Binds an Idempotency-Key to a job id for as long as that job can be found (<see cref="JobsOptions.Timeout"/> +
    /// <see cref="JobsOptions.Retention"/>). Returns null when this call bound it (go on and submit <paramref name="jobId"/>),
    /// else the binding made earlier (same key: return that job).
    /// </summary>
    ValueTask<IdempotencyBinding?> BindIdempotencyKeyAsync(string key, string jobId, string requestHash, CancellationToken cancellationToken);

    /// <summary>
    /// Drops the binding of <paramref name="key"/> if it still names <paramref name="jobId"/>: its submit failed (bad image
    /// URL, duplicate id), so a retry with the same key must be free to try again rather than find a job that never existed.
    /// </summary>
    ValueTask ReleaseIdempotencyKeyAsync(string key, string jobId, CancellationToken cancellationToken);
}

/// <summary>An Idempotency-Key's job, and a hash of the request that first used it (a different body with the same key is an error).</summary>
public sealed record IdempotencyBinding(string JobId, string RequestHash);
