using FluxAspire.Api.Pipeline.Cleanup;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Endpoints.Interrupts;

/// <summary>
/// Stops a job for POST /interrupt. A job still in our queue ends at once and never reaches ComfyUI; a job the worker
/// holds is cancelled, which removes it from ComfyUI's queue (POST /queue delete) or interrupts it there (POST /interrupt
/// with its prompt_id). Either way it fails with <see cref="JobFailureKind.InterruptRequested"/>, so its waiting request
/// and its webhook say "interrupted".
/// </summary>
public sealed class JobInterrupter(IJobStore store, JobService jobs, JobWorker worker, JobFileCleanup cleanup)
{
    /// <summary>How long the answer waits for a running job to stop, so a 200 means ComfyUI has let go of it.</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

    /// <summary>True when the job existed and had not ended yet.</summary>
    public async Task<bool> InterruptAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { IsFinished: false } job)
        {
            return false;
        }

        if (!await jobs.CancelAsync(id, JobFailures.InterruptRequested(job.Status)))
        {
            return false;
        }

        if (job.Status == JobStatus.Queued)
        {
            cleanup.DeleteInputs(job.Request);
        }

        // Running here: wait until the worker has removed or interrupted it in ComfyUI (still stopping after the wait is fine).
        var waitUntil = DateTime.UtcNow + StopWait;
        while (worker.IsRunning(id) && DateTime.UtcNow < waitUntil)
        {
            await Task.Delay(50, cancellationToken);
        }

        return true;
    }
}
