namespace FluxAspire.Api.Jobs;

/// <summary>Where jobs and their results live. In-process today; a Redis implementation makes replicas stateless.</summary>
public interface IJobStore
{
    /// <summary>Adds a new job; false when the id is taken.</summary>
    ValueTask<bool> TryAddAsync(JobRecord job, CancellationToken cancellationToken);

    ValueTask<JobRecord?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Moves a queued job to running; false if it is no longer queued (cancelled meanwhile).</summary>
    ValueTask<bool> TryStartAsync(string id, CancellationToken cancellationToken);

    /// <summary>Records the end of a job (once; later calls are ignored) and wakes its waiters.</summary>
    ValueTask CompleteAsync(string id, JobResult? result, JobFailure? failure, CancellationToken cancellationToken);

    /// <summary>Waits until the job has ended and returns its final record.</summary>
    Task<JobRecord> WaitForEndAsync(string id, CancellationToken cancellationToken);
}
