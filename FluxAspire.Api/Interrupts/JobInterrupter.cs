using FluxAspire.Api.Cleanup;
using FluxAspire.Api.Jobs;

namespace FluxAspire.Api.Interrupts;

/// <summary>
/// Stops a job for POST /interrupt. A job still in our queue ends at once and never reaches ComfyUI; a job the worker
/// holds is cancelled, which removes it from ComfyUI's queue (POST /queue delete) or interrupts it there (POST /interrupt
/// with its prompt_id). Either way it fails with <see cref="JobFailureKind.InterruptRequested"/>, so its waiting request
/// and its webhook say "interrupted".
/// </summary>
public sealed class JobInterrupter(IJobStore store, JobWorker worker, JobFileCleanup cleanup)
{
    /// <summary>How long the answer waits for a running job to stop, so a 200 means it has ended.</summary>
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(5);

    /// <summary>True when the job existed and had not ended yet.</summary>
    public async Task<bool> InterruptAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { IsFinished: false } job)
        {
            return false;
        }

        var failure = JobFailures.InterruptRequested(job.Status);
        if (job.Status == JobStatus.Queued)
        {
            await store.CompleteAsync(id, null, failure, CancellationToken.None);
            // If a worker took the job in the same instant, it is stopped there too.
            worker.TryCancelRunning(id, failure);
            cleanup.DeleteInputs(job.Request);
            return true;
        }

        if (!worker.TryCancelRunning(id, failure))
        {
            return await store.GetAsync(id, cancellationToken) is { IsFinished: false };
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(StopWait);
        try
        {
            await store.WaitForEndAsync(id, wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Still stopping (ComfyUI slow to answer); the job ends as interrupted all the same.
        }
        catch (KeyNotFoundException)
        {
        }

        return true;
    }
}
