using System.Collections.Concurrent;
using FluxAspire.Api.Operations.Resilience;
using Polly;
using Polly.Registry;
using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// Wake-ups over Redis pub/sub: "job X changed" and "work was queued". They only shorten waits: every waiter also re-reads
/// Redis on its own poll interval, so a missed message (Redis reconnecting) costs a poll, never a result.
/// </summary>
public sealed partial class RedisSignals(
    IConnectionMultiplexer redis, ResiliencePipelineProvider<string> pipelines, TimeProvider time, ILogger<RedisSignals> logger) : BackgroundService
{
    private readonly ResiliencePipeline _redisOutage = pipelines.GetPipeline(ResiliencePipelines.RedisOutage);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _steps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _ends = new(StringComparer.Ordinal);
    private TaskCompletionSource _work = NewSignal();

    /// <summary>Completes at the next change of job <paramref name="id"/>. Take it BEFORE reading the job, so no change is missed.</summary>
    public Task JobChanged(string id) => _jobs.GetOrAdd(id, _ => NewSignal()).Task;

    /// <summary>Completes when job <paramref name="id"/> ends. Take it BEFORE reading the job, so the end is not missed.</summary>
    public Task JobEnded(string id) => _ends.GetOrAdd(id, _ => NewSignal()).Task;

    /// <summary>Completes at the next change of job <paramref name="id"/>, sampler steps included (for event streams).</summary>
    public Task JobChangedOrProgressed(string id) => Task.WhenAny(JobChanged(id), _steps.GetOrAdd(id, _ => NewSignal()).Task);

    /// <summary>Completes when work is next queued anywhere.</summary>
    public Task WorkAdded => Volatile.Read(ref _work).Task;

    /// <summary>Wakes this process's waiters for <paramref name="id"/> at once (a change made here).</summary>
    public void NotifyJobChanged(string id)
    {
        if (_jobs.TryRemove(id, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>Wakes this process's waiters for the end of <paramref name="id"/>, and those for any change of it.</summary>
    public void NotifyJobEnded(string id)
    {
        if (_ends.TryRemove(id, out var signal))
        {
            signal.TrySetResult();
        }

        NotifyJobChanged(id);
    }

    /// <summary>Drops the signals of a job nobody waits for any more (it ended), so they do not pile up. Another waiter
    /// on it, if any, falls back to its poll.</summary>
    public void Forget(string id)
    {
        _jobs.TryRemove(id, out _);
        _steps.TryRemove(id, out _);
        _ends.TryRemove(id, out _);
    }

    public void NotifyJobProgressed(string id)
    {
        if (_steps.TryRemove(id, out var signal))
        {
            signal.TrySetResult();
        }
    }

    public void NotifyWorkAdded() => Interlocked.Exchange(ref _work, NewSignal()).TrySetResult();

    // The client re-subscribes by itself after a reconnect; only the first subscription needs Redis to be up.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken) =>
        await _redisOutage.ExecuteAsync(RedisOutageSchedule.Subscribe, time, async _ =>
            {
                var subscriber = redis.GetSubscriber();
                await subscriber.SubscribeAsync(RedisKeys.JobChanged, (_, id) => NotifyJobChanged(id.ToString()));
                await subscriber.SubscribeAsync(RedisKeys.JobEnded, (_, id) => NotifyJobEnded(id.ToString()));
                await subscriber.SubscribeAsync(RedisKeys.JobProgressed, (_, id) => NotifyJobProgressed(id.ToString()));
                await subscriber.SubscribeAsync(RedisKeys.WorkAdded, (_, _) => NotifyWorkAdded());
            },
            (e, _) => LogSubscribeFailed(e.Message), stoppingToken);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(LogLevel.Debug, "Subscribing to job notifications failed ({Reason}); waiters poll until it works")]
    private partial void LogSubscribeFailed(string reason);
}
