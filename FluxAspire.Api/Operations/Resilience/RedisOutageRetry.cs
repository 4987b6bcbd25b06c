using FluxAspire.Api.Pipeline.Jobs;
using Polly;
using Polly.Retry;

namespace FluxAspire.Api.Operations.Resilience;

/// <summary>
/// How one kind of Redis call is retried while Redis is away (<see cref="RedisFailures.IsOutage"/>): after
/// <paramref name="FirstDelay"/>, doubling up to <paramref name="MaxDelay"/>, until Redis answers or, with
/// <paramref name="GiveUpAfter"/>, until a failure comes that long after the call started.
/// </summary>
internal sealed record RedisOutageSchedule(TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan? GiveUpAfter)
{
    /// <summary>A job's end: never dropped while Redis restarts, given up after 10 minutes.</summary>
    public static readonly RedisOutageSchedule CompleteJob = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10));

    /// <summary>Queueing a job already stored in Redis: without its queue entry nobody would run it.</summary>
    public static readonly RedisOutageSchedule EnqueueJob = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));

    /// <summary>Waiting for a job's end in Redis: the waiter keeps waiting through restarts, re-reading at the poll interval.</summary>
    public static readonly RedisOutageSchedule WaitForJobEnd = new(RedisJobStore.PollInterval, RedisJobStore.PollInterval, null);

    /// <summary>The first pub/sub subscription (the client re-subscribes by itself after a reconnect).</summary>
    public static readonly RedisOutageSchedule Subscribe = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), null);
}

/// <summary>The <see cref="ResiliencePipelines.RedisOutage"/> pipeline: one retry strategy that follows the schedule each
/// call brings (<see cref="ExecuteAsync"/>).</summary>
internal static class RedisOutageRetry
{
    private static readonly ResiliencePropertyKey<RedisOutageSchedule> Schedule = new("FluxAspire.RedisOutageSchedule");

    public static void Configure(ResiliencePipelineBuilder pipeline, IServiceProvider services)
    {
        var time = services.GetRequiredService<TimeProvider>();
        pipeline.TimeProvider = time;
        pipeline.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            ShouldHandle = args =>
            {
                var schedule = args.Context.Properties.GetValue(Schedule, null!);
                var handle = args.Outcome.Exception is { } e && RedisFailures.IsOutage(e, args.Context.CancellationToken)
                    && (schedule.GiveUpAfter is not { } limit
                        || time.GetUtcNow() < args.Context.Properties.GetValue(ResiliencePipelines.StartedAt, default) + limit);
                return ValueTask.FromResult(handle);
            },
            DelayGenerator = args =>
            {
                var schedule = args.Context.Properties.GetValue(Schedule, null!);
                return ValueTask.FromResult<TimeSpan?>(Backoff.Exponential(schedule.FirstDelay, schedule.MaxDelay, args.AttemptNumber));
            },
            OnRetry = ResiliencePipelines.NotifyObserver,
        });
    }

    /// <summary>Runs <paramref name="call"/> against Redis on <paramref name="schedule"/>; <paramref name="onRetry"/> is told
    /// each outage (the failure) and the wait before the next attempt.</summary>
    public static ValueTask<T> ExecuteAsync<T>(
        this ResiliencePipeline pipeline, RedisOutageSchedule schedule, TimeProvider time, Func<CancellationToken, ValueTask<T>> call,
        Action<Exception, TimeSpan>? onRetry, CancellationToken cancellationToken) =>
        pipeline.ExecuteAsync(time, call, onRetry is null ? null : (outcome, _, delay) => onRetry(outcome.Exception!, delay), cancellationToken,
            properties => properties.Set(Schedule, schedule));

    /// <inheritdoc cref="ExecuteAsync{T}"/>
    public static async ValueTask ExecuteAsync(
        this ResiliencePipeline pipeline, RedisOutageSchedule schedule, TimeProvider time, Func<CancellationToken, ValueTask> call,
        Action<Exception, TimeSpan>? onRetry, CancellationToken cancellationToken) =>
        await pipeline.ExecuteAsync<bool>(schedule, time, async ct =>
        {
            await call(ct);
            return true;
        }, onRetry, cancellationToken);
}
