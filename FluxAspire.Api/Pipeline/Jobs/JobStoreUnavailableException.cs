namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>A synchronous waiter lost Redis, which holds its job, and the job is not running on this replica: its end
/// cannot be seen from here (503; the job may still run once Redis is back).</summary>
public sealed class JobStoreUnavailableException(string jobId, string reason)
    : Exception($"Redis, which holds job '{jobId}', is unreachable ({reason}) and the job is not running on this replica")
{
    public string JobId { get; } = jobId;
}
