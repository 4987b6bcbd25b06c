namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// Ends a job once, wherever it ends (the worker, a cancel, a deadline, an interrupt), and tells the observers — webhooks
/// and uploads — only when this call was the one that ended it. So with several replicas the replica that ends a job
/// delivers its result, even when the replica that accepted the request is gone.
/// </summary>
public sealed class JobEnding(IJobStore store, IEnumerable<IJobEndObserver> observers)
{
    public async Task<bool> EndAsync(JobRequest request, JobResult? result, JobFailure? failure)
    {
        // Outputs that the observers here upload to storage need their bytes only until the upload is done: the store
        // (memory or Redis) keeps their description, and the response or webhook lists the URLs.
        var stored = result is not null && request.Echo is not null && request.Delivery.OutputsLeaveForStorage ? result.WithoutBytes() : result;
        if (!await store.CompleteAsync(request.Id, stored, failure, CancellationToken.None))
        {
            return false;
        }

        foreach (var observer in observers)
        {
            observer.OnJobEnded(request, result, failure);
        }

        return true;
    }
}

/// <summary>Told once when a job ends, on the replica that ended it. Must return quickly (start background work).</summary>
public interface IJobEndObserver
{
    void OnJobEnded(JobRequest request, JobResult? result, JobFailure? failure);
}
