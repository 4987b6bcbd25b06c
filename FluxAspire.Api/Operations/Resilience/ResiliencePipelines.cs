using Polly;
using Polly.Retry;

namespace FluxAspire.Api.Operations.Resilience;

/// <summary>What a caller does before a retry's wait (its log line, its state): the failed attempt's outcome, its
/// zero-based number and the wait before the next one.</summary>
internal delegate void RetryObserver<T>(Outcome<T> outcome, int attempt, TimeSpan delay);

/// <summary>
/// The names of the API's Polly pipelines, defined in this folder and registered by
/// <see cref="ResilienceServiceCollectionExtensions.AddResilience"/>; callers resolve them through
/// <c>ResiliencePipelineProvider&lt;string&gt;</c>. Every one waits on the injected <see cref="TimeProvider"/>. The ComfyUI
/// HTTP client has the standard resilience handler instead (<c>Pipeline/Comfy</c>).
/// </summary>
public static class ResiliencePipelines
{
    /// <summary>The ComfyUI WebSocket (<see cref="ComfyReconnect"/>): reconnected for as long as the API runs.</summary>
    public const string ComfyUI = "comfyui";

    /// <summary>Webhook deliveries (<see cref="WebhookRetry"/>): exponential backoff with jitter, Retry-After honoured,
    /// for Webhooks:RetryFor.</summary>
    public const string Webhooks = "webhooks";

    /// <summary>Redis calls that must get through a Redis outage or restart (<see cref="RedisOutageRetry"/>), each on its
    /// own <see cref="RedisOutageSchedule"/>.</summary>
    public const string RedisOutage = "redis-outage";

    /// <summary>The supervised ComfyUI child process (<see cref="SupervisorRestart"/>): restarted after any exit.</summary>
    public const string SupervisorRestart = "supervisor-restart";

    /// <summary>Each file moved to or from S3, Azure Blob Storage or the Hugging Face Hub (<see cref="StorageRetry"/>).</summary>
    public const string Storage = "storage";

    internal static readonly IReadOnlyList<string> All = [ComfyUI, Webhooks, RedisOutage, SupervisorRestart, Storage];

    /// <summary>When the call started: give-up rules (Webhooks:RetryFor, a Redis schedule's limit) count from it.</summary>
    internal static readonly ResiliencePropertyKey<DateTimeOffset> StartedAt = new("FluxAspire.StartedAt");

    /// <summary>Every pipeline's OnRetry: hands the retry to the call's <see cref="RetryObserver{T}"/>, if it has one.</summary>
    internal static ValueTask NotifyObserver<T>(OnRetryArguments<T> args)
    {
        if (args.Context.Properties.TryGetValue(Observer<T>.Key, out var observe))
        {
            observe(args.Outcome, args.AttemptNumber, args.RetryDelay);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Runs <paramref name="callback"/> through <paramref name="pipeline"/> and returns its last outcome instead of throwing
    /// it. The call's context carries when it started, <paramref name="onRetry"/> and what <paramref name="describe"/> adds.
    /// </summary>
    internal static async ValueTask<Outcome<T>> ExecuteOutcomeAsync<T>(
        this ResiliencePipeline<T> pipeline, TimeProvider time, Func<CancellationToken, ValueTask<T>> callback,
        RetryObserver<T>? onRetry, CancellationToken cancellationToken, Action<ResilienceProperties>? describe = null)
    {
        var context = Rent(time, onRetry, describe, cancellationToken);
        try
        {
            return await pipeline.ExecuteOutcomeAsync(static async (context, callback) =>
            {
                try
                {
                    return Outcome.FromResult(await callback(context.CancellationToken));
                }
                catch (Exception e)
                {
                    return Outcome.FromException<T>(e);
                }
            }, context, callback);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Runs <paramref name="callback"/> through a pipeline for any result (<see cref="RedisOutage"/>); the last
    /// failure is thrown. <paramref name="onRetry"/> sees the outcome as the pipeline does, as an object.</summary>
    internal static async ValueTask<T> ExecuteAsync<T>(
        this ResiliencePipeline pipeline, TimeProvider time, Func<CancellationToken, ValueTask<T>> callback,
        RetryObserver<object>? onRetry, CancellationToken cancellationToken, Action<ResilienceProperties>? describe = null)
    {
        var context = Rent(time, onRetry, describe, cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(static (context, callback) => callback(context.CancellationToken), context, callback);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static ResilienceContext Rent<T>(TimeProvider time, RetryObserver<T>? onRetry, Action<ResilienceProperties>? describe,
        CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StartedAt, time.GetUtcNow());
        if (onRetry is not null)
        {
            context.Properties.Set(Observer<T>.Key, onRetry);
        }

        describe?.Invoke(context.Properties);
        return context;
    }

    private static class Observer<T>
    {
        public static readonly ResiliencePropertyKey<RetryObserver<T>> Key = new($"FluxAspire.RetryObserver<{typeof(T).FullName}>");
    }
}
