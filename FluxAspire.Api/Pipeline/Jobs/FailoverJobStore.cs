using System.Collections.Concurrent;
using FluxAspire.Api.Operations.Redis;
using FluxAspire.Api.Operations.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;
using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// Jobs go to Redis while it is connected and answering, and to this process's memory while it is not, so a Redis outage costs the
/// cluster view, never a request. A job stays where it was added: every call for an id asks memory first, then Redis.
/// A synchronous request whose job is in Redis when Redis goes away is answered from this replica's worker when the job
/// ran here, and with a 503 after <see cref="JobsOptions.StoreOutageWait"/> when it did not (its end cannot be known).
/// </summary>
public sealed class FailoverJobStore(
    InMemoryJobStore local, RedisJobStore shared, IConnectionMultiplexer redis, RedisAvailability availability,
    ResiliencePipelineProvider<string> pipelines, IOptions<JobsOptions> options, TimeProvider time, ILogger<FailoverJobStore> logger)
    : IJobStore
{
    private readonly ResiliencePipeline _redisOutage = pipelines.GetPipeline(ResiliencePipelines.RedisOutage);

    // Synchronous waiters on this replica for jobs in Redis: where the worker's end reaches them while Redis cannot.
    private readonly ConcurrentDictionary<string, OutageWaiter> _waiters = new(StringComparer.Ordinal);

    // Jobs in Redis this replica's worker started and has not ended yet (its waiter may wait for the worker, not Redis).
    private readonly ConcurrentDictionary<string, bool> _runningHere = new(StringComparer.Ordinal);

    public async ValueTask<bool> TryAddAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (UseRedis && !job.Request.RunHere)
        {
            try
            {
                return await shared.TryAddAsync(job, cancellationToken);
            }
            catch (Exception e) when (RedisFailures.IsOutage(e, cancellationToken))
            {
                logger.LogWarning("Redis refused job {JobId} ({Reason}); it runs on this replica only", job.Id, e.Message);
            }
        }

        return await local.TryAddAsync(job, cancellationToken);
    }

    // Connected and answering in time: a slow (frozen) Redis counts as away, so new work does not wait on its timeouts.
    private bool UseRedis => redis.IsConnected && availability.IsAvailable;

    /// <summary>True when the job lives in this process (added while Redis was unreachable, or Redis is not used).</summary>
    public bool IsLocal(string id) => local.Contains(id);

    public async ValueTask<JobRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        IsLocal(id) ? await local.GetAsync(id, cancellationToken) : await shared.GetAsync(id, cancellationToken);

    public async ValueTask<JobOutputFile?> GetOutputAsync(string id, int index, CancellationToken cancellationToken) =>
        IsLocal(id) ? await local.GetOutputAsync(id, index, cancellationToken) : await shared.GetOutputAsync(id, index, cancellationToken);

    public async ValueTask<bool> TryStartAsync(string id, string replica, CancellationToken cancellationToken)
    {
        if (IsLocal(id))
        {
            return await local.TryStartAsync(id, replica, cancellationToken);
        }

        var started = await shared.TryStartAsync(id, replica, cancellationToken);
        if (started)
        {
            _runningHere[id] = true;
        }

        return started;
    }

    public async ValueTask ReportProgressAsync(string id, JobProgress progress, CancellationToken cancellationToken)
    {
        if (IsLocal(id))
        {
            await local.ReportProgressAsync(id, progress, cancellationToken);
        }
        else
        {
            await shared.ReportProgressAsync(id, progress, cancellationToken);
        }
    }

    public async ValueTask ReportPreviewAsync(string id, JobPreview preview, CancellationToken cancellationToken)
    {
        if (IsLocal(id))
        {
            await local.ReportPreviewAsync(id, preview, cancellationToken);
        }
        else
        {
            await shared.ReportPreviewAsync(id, preview, cancellationToken);
        }
    }

    /// <summary>Both stores' jobs, merged newest first: a job added while Redis was away lives in this replica's memory.
    /// While Redis is unreachable, only this replica's jobs are listed.</summary>
    public async ValueTask<IReadOnlyList<JobRecord>> ListAsync(JobListCursor? before, int limit, CancellationToken cancellationToken)
    {
        var mine = await local.ListAsync(before, limit, cancellationToken);
        IReadOnlyList<JobRecord> theirs = [];
        if (UseRedis)
        {
            try
            {
                theirs = await shared.ListAsync(before, limit, cancellationToken);
            }
            catch (Exception e) when (RedisFailures.IsOutage(e, cancellationToken))
            {
                logger.LogWarning("Listing jobs in Redis failed ({Reason}); listing this replica's only", e.Message);
            }
        }

        return mine.Count == 0 ? theirs : JobListCursor.NewestFirst(mine.Concat(theirs)).Take(limit).ToList();
    }

    /// <summary>A job's end is never dropped: while Redis is unreachable the call is retried (with backoff) until it is back
    /// (<see cref="RedisOutageSchedule.CompleteJob"/>).</summary>
    public async ValueTask<bool> CompleteAsync(string id, JobResult? result, JobFailure? failure, CancellationToken cancellationToken)
    {
        if (IsLocal(id))
        {
            return await local.CompleteAsync(id, result, failure, cancellationToken);
        }

        try
        {
            return await CompleteInRedisAsync(id, result, failure, cancellationToken);
        }
        finally
        {
            _runningHere.TryRemove(id, out _);
        }
    }

    private async ValueTask<bool> CompleteInRedisAsync(string id, JobResult? result, JobFailure? failure, CancellationToken cancellationToken)
    {
        return await _redisOutage.ExecuteAsync(RedisOutageSchedule.CompleteJob, time, ct => shared.CompleteAsync(id, result, failure, ct),
            (e, delay) =>
            {
                logger.LogWarning("Recording the end of job {JobId} in Redis failed ({Reason}); retrying in {Delay} ms",
                    id, e.Message, delay.TotalMilliseconds);
                // The waiter here need not wait for Redis to come back: it gets the end now, Redis gets it later.
                if (_waiters.TryGetValue(id, out var waiter))
                {
                    waiter.Answer.TrySetResult(waiter.Job with
                    {
                        Status = JobRecord.FinalStatus(failure), Result = result, Failure = failure, FinishedAt = time.GetUtcNow(),
                    });
                }
            },
            cancellationToken);
    }

    public Task<JobRecord> WaitForEndAsync(string id, CancellationToken cancellationToken) =>
        IsLocal(id) ? local.WaitForEndAsync(id, cancellationToken) : WaitThroughOutagesAsync(id, shared.WaitForEndAsync, null, cancellationToken);

    public Task<JobRecord> WaitForResultAsync(JobRecord job, CancellationToken cancellationToken) =>
        IsLocal(job.Id) ? local.WaitForResultAsync(job, cancellationToken) : WaitForResultHereOrInRedisAsync(job, cancellationToken);

    /// <summary>
    /// Waits for the end in Redis; while Redis is away, the end comes from this replica's worker if it ran the job, and a
    /// job that did not start here gives up after <see cref="JobsOptions.StoreOutageWait"/>
    /// (<see cref="JobStoreUnavailableException"/>): it may still run once Redis is back, but nobody here can see it end.
    /// </summary>
    private async Task<JobRecord> WaitForResultHereOrInRedisAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var waiter = new OutageWaiter(job);
        _waiters[job.Id] = waiter;
        try
        {
            using var stopRedisWait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var fromRedis = WaitThroughOutagesAsync(job.Id, (id, ct) => shared.WaitForResultAsync(job, ct), e =>
            {
                var now = time.GetUtcNow();
                waiter.OutageSince ??= now;
                if (!_runningHere.ContainsKey(job.Id) && now - waiter.OutageSince >= options.Value.StoreOutageWait)
                {
                    waiter.Answer.TrySetException(new JobStoreUnavailableException(job.Id, e.Message));
                }
            }, stopRedisWait.Token);
            if (await Task.WhenAny(fromRedis, waiter.Answer.Task) == fromRedis)
            {
                return await fromRedis;
            }

            await stopRedisWait.CancelAsync();
            try
            {
                await fromRedis;
            }
            catch (Exception e) when (e is OperationCanceledException || RedisFailures.IsOutage(e))
            {
            }

            if (waiter.Answer.Task.IsCompletedSuccessfully)
            {
                logger.LogWarning("Job {JobId}: Redis is unreachable; its waiter got the end from this replica's worker", job.Id);
            }

            return await waiter.Answer.Task;
        }
        finally
        {
            _waiters.TryRemove(new KeyValuePair<string, OutageWaiter>(job.Id, waiter));
        }
    }

    public IAsyncEnumerable<JobEvent> ReadEventsAsync(string id, string? afterEventId, CancellationToken cancellationToken) =>
        IsLocal(id) ? local.ReadEventsAsync(id, afterEventId, cancellationToken) : shared.ReadEventsAsync(id, afterEventId, cancellationToken);

    public async ValueTask<IdempotencyBinding?> BindIdempotencyKeyAsync(string key, string jobId, string requestHash, CancellationToken cancellationToken)
    {
        if (UseRedis)
        {
            try
            {
                return await shared.BindIdempotencyKeyAsync(key, jobId, requestHash, cancellationToken);
            }
            catch (Exception e) when (RedisFailures.IsOutage(e))
            {
                logger.LogWarning("Redis unreachable for Idempotency-Key ({Reason}); the key is kept on this replica only", e.Message);
            }
        }

        return await local.BindIdempotencyKeyAsync(key, jobId, requestHash, cancellationToken);
    }

    public async ValueTask ReleaseIdempotencyKeyAsync(string key, string jobId, CancellationToken cancellationToken)
    {
        await local.ReleaseIdempotencyKeyAsync(key, jobId, cancellationToken);
        try
        {
            await shared.ReleaseIdempotencyKeyAsync(key, jobId, cancellationToken);
        }
        catch (Exception e) when (RedisFailures.IsOutage(e))
        {
            // Bound while Redis was down, so only the local binding existed.
        }
    }

    // A waiter for a job in Redis keeps waiting across a Redis restart: the job's end is written once Redis is back.
    private async Task<JobRecord> WaitThroughOutagesAsync(
        string id, Func<string, CancellationToken, Task<JobRecord>> wait, Action<Exception>? onOutage, CancellationToken cancellationToken) =>
        await _redisOutage.ExecuteAsync(RedisOutageSchedule.WaitForJobEnd, time, ct => new ValueTask<JobRecord>(wait(id, ct)),
            onOutage is null ? null : (e, _) => onOutage(e), cancellationToken);

    private sealed class OutageWaiter(JobRecord job)
    {
        public JobRecord Job { get; } = job;

        /// <summary>Set only while Redis is away: the end from this replica's worker, or the give-up.</summary>
        public TaskCompletionSource<JobRecord> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public DateTimeOffset? OutageSince { get; set; }
    }
}
