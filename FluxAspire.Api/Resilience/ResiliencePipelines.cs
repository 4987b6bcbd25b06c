using Polly;

namespace FluxAspire.Api.Resilience;

/// <summary>
/// The names of the API's Polly pipelines, each registered by the Add… of the area that uses it and resolved through
/// <c>ResiliencePipelineProvider&lt;string&gt;</c>; all of them run on the injected <see cref="TimeProvider"/>.
/// </summary>
public static class ResiliencePipelines
{
    /// <summary>Webhook deliveries: exponential backoff with jitter, Retry-After honoured, for Webhooks:RetryFor.</summary>
    public const string Webhooks = "webhooks";

    /// <summary>Queueing a job already stored in Redis, while Redis is unreachable (a restart).</summary>
    public const string RedisOutageEnqueue = "redis-outage-enqueue";

    /// <summary>Recording a job's end in Redis, while Redis is unreachable.</summary>
    public const string RedisOutageComplete = "redis-outage-complete";

    /// <summary>Waiting for the end of a job in Redis, through Redis restarts.</summary>
    public const string RedisOutageWait = "redis-outage-wait";

    /// <summary>The first subscription to Redis pub/sub, until Redis is up.</summary>
    public const string RedisOutageSubscribe = "redis-outage-subscribe";

    /// <summary>When a retried call started, for pipelines that give up a fixed time after it (see ExecuteTimedAsync).</summary>
    internal static readonly ResiliencePropertyKey<DateTimeOffset> StartedAt = new("FluxAspire.StartedAt");

    /// <summary>What the caller logs before each retry: the failure and the wait before the next attempt.</summary>
    internal static readonly ResiliencePropertyKey<Action<Exception, TimeSpan>> RetryObserver = new("FluxAspire.RetryObserver");

    /// <summary>Tells the call's <see cref="RetryObserver"/>, if any, about a retry.</summary>
    internal static void NotifyRetry(ResilienceContext context, Exception? failure, TimeSpan delay)
    {
        if (failure is not null && context.Properties.TryGetValue(RetryObserver, out var observe))
        {
            observe(failure, delay);
        }
    }

    /// <summary>True while less than <paramref name="limit"/> has passed since the call started.</summary>
    internal static bool IsWithin(ResilienceContext context, TimeSpan limit, TimeProvider time) =>
        !context.Properties.TryGetValue(StartedAt, out var startedAt) || time.GetUtcNow() - startedAt < limit;

    /// <summary>
    /// Runs <paramref name="callback"/> through <paramref name="pipeline"/>, noting when the call started and who logs its
    /// retries.
    /// </summary>
    internal static async ValueTask<T> ExecuteTimedAsync<T>(
        this ResiliencePipeline pipeline, TimeProvider time, Func<CancellationToken, ValueTask<T>> callback,
        Action<Exception, TimeSpan> onRetry, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StartedAt, time.GetUtcNow());
        context.Properties.Set(RetryObserver, onRetry);
        try
        {
            return await pipeline.ExecuteAsync(static (context, callback) => callback(context.CancellationToken), context, callback);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
