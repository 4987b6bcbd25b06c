using FluxAspire.Api.Jobs;

namespace FluxAspire.Api.Caching;

/// <summary>
/// Stores the result of a succeeded job that carries a <see cref="JobRequest.CacheKey"/> (POST /jobs), on the replica
/// that ended it; synchronous requests store their own result before they answer.
/// </summary>
public sealed partial class JobResultCaching(ResultCache cache, ILogger<JobResultCaching> logger) : IJobEndObserver
{
    public void OnJobEnded(JobRequest request, JobResult? result, JobFailure? failure)
    {
        if (request.CacheKey is { } key && failure is null && result is not null)
        {
            _ = Task.Run(() => StoreAsync(key, request.Id, result));
        }
    }

    private async Task StoreAsync(string key, string jobId, JobResult result)
    {
        try
        {
            await cache.StoreAsync(key, result, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogStoreFailed(e, jobId);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: storing its result in the cache failed")]
    private partial void LogStoreFailed(Exception exception, string jobId);
}
