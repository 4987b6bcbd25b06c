namespace FluxAspire.Api.Jobs;

/// <summary>Job ids waiting for a worker, first in first out.</summary>
public interface IJobQueue
{
    ValueTask EnqueueAsync(string id, CancellationToken cancellationToken);

    ValueTask<string> DequeueAsync(CancellationToken cancellationToken);
}
