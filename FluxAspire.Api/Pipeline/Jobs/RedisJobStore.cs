using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// Jobs in Redis, shared by every replica: a hash per job, an event stream per job (the SSE log), and output bytes in their
/// own keys (binary, not base64). State changes are Lua scripts (<see cref="RedisJobScripts"/>); waiters wake on pub/sub
/// and re-read Redis at least every <see cref="PollInterval"/>.
/// </summary>
public sealed class RedisJobStore(IConnectionMultiplexer redis, RedisSignals signals, IOptions<JobsOptions> options, TimeProvider time) : IJobStore
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private IDatabase Db => redis.GetDatabase();

    private JobsOptions Options => options.Value;

    public async ValueTask<bool> TryAddAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ttl = Positive(job.Deadline - now) + Options.Retention + TimeSpan.FromMinutes(1);
        var added = (int)await Db.ScriptEvaluateAsync(RedisJobScripts.Add, Keys(job.Id),
        [
            StoredJob.Serialize(job.Request), StoredJob.Millis(job.Deadline), StoredJob.Millis(job.CreatedAt), (long)ttl.TotalMilliseconds,
            RedisKeys.JobChanged.ToString(), job.Id,
        ]);
        return added == 1;
    }

    public async ValueTask<JobRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        StoredJob.Read(await Db.HashGetAllAsync(RedisKeys.Job(id)));

    public async ValueTask<JobOutputFile?> GetOutputAsync(string id, int index, CancellationToken cancellationToken)
    {
        if (await GetAsync(id, cancellationToken) is not { Result.Files: { } files } || index < 0 || index >= files.Count)
        {
            return null;
        }

        var bytes = (byte[]?)await Db.StringGetAsync(RedisKeys.Output(id, index));
        return bytes is null ? null : files[index] with { Content = new OutputBytes(bytes) };
    }

    public async ValueTask<bool> TryStartAsync(string id, string replica, CancellationToken cancellationToken)
    {
        var started = (int)await Db.ScriptEvaluateAsync(RedisJobScripts.Start, Keys(id), [replica, Now(), RedisKeys.JobChanged.ToString(), id]);
        signals.NotifyJobChanged(id);
        return started == 1;
    }

    public async ValueTask ReportProgressAsync(string id, JobProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            await Db.ScriptEvaluateAsync(RedisJobScripts.Progress, Keys(id),
                [StoredJob.Serialize(progress), Now(), RedisKeys.JobProgressed.ToString(), id], CommandFlags.FireAndForget);
        }
        catch (Exception e) when (RedisFailures.IsOutage(e))
        {
            // Progress is advisory; the job goes on.
        }
    }

    public async ValueTask<bool> CompleteAsync(string id, JobResult? result, JobFailure? failure, CancellationToken cancellationToken)
    {
        var db = Db;
        var record = await GetAsync(id, cancellationToken);
        if (record is null || record.IsFinished)
        {
            return false;
        }

        if (failure is null && result is not null)
        {
            var keep = record.Request.RetainOutputs ? Options.Retention : Options.ResultRetention;
            // Written before the job says it succeeded, so whoever sees "succeeded" can read them.
            await Task.WhenAll(result.Files.Select((file, index) => db.StringSetAsync(RedisKeys.Output(id, index), file.Content.Memory, keep)));
            GC.KeepAlive(result);
        }

        var ended = (int)await db.ScriptEvaluateAsync(RedisJobScripts.Complete, Keys(id),
        [
            StoredJob.Status(JobRecord.FinalStatus(failure)), Now(),
            failure is null && result is not null ? StoredJob.Describe(result) : "",
            failure is null ? "" : StoredJob.Serialize(failure),
            (long)Options.Retention.TotalMilliseconds, RedisKeys.JobChanged.ToString(), id,
        ]);
        signals.NotifyJobChanged(id);
        return ended == 1;
    }

    public async Task<JobRecord> WaitForEndAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = signals.JobChanged(id);
            // Only the status first: the whole hash (request and graph) is read once, when the job has ended.
            var status = (string?)await Db.HashGetAsync(RedisKeys.Job(id), "status") ?? throw new KeyNotFoundException($"no job '{id}'");
            if (StoredJob.ParseStatus(status) is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled
                && await GetAsync(id, cancellationToken) is { IsFinished: true } record)
            {
                signals.Forget(id);
                return await WithOutputsAsync(record);
            }

            await WaitAsync(changed, cancellationToken);
        }
    }

    public async IAsyncEnumerable<JobEvent> ReadEventsAsync(string id, string? afterEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var after = afterEventId is not null && IsStreamId(afterEventId) ? afterEventId : "-";
        while (true)
        {
            var changed = signals.JobChangedOrProgressed(id);
            var entries = await Db.StreamRangeAsync(RedisKeys.Events(id), after == "-" ? "-" : "(" + after, "+", count: 200);
            foreach (var entry in entries)
            {
                var jobEvent = StoredJob.ReadEvent(entry);
                after = jobEvent.Id;
                yield return jobEvent;
                if (jobEvent.Kind == JobEventKind.Ended)
                {
                    signals.Forget(id);
                    yield break;
                }
            }

            if (entries.Length == 0 && !await Db.KeyExistsAsync(RedisKeys.Job(id)))
            {
                signals.Forget(id);
                yield break;
            }

            if (entries.Length == 0)
            {
                await WaitAsync(changed, cancellationToken);
            }
        }
    }

    public async ValueTask<IdempotencyBinding?> BindIdempotencyKeyAsync(string key, string jobId, string requestHash, CancellationToken cancellationToken)
    {
        var db = Db;
        var redisKey = RedisKeys.Idempotency(key);
        if (await db.StringSetAsync(redisKey, $"{jobId}\n{requestHash}", Options.Timeout + Options.Retention, When.NotExists))
        {
            return null;
        }

        var existing = (string?)await db.StringGetAsync(redisKey);
        var parts = existing?.Split('\n', 2);
        return parts is { Length: 2 } ? new IdempotencyBinding(parts[0], parts[1]) : new IdempotencyBinding(jobId, requestHash);
    }

    public async ValueTask ReleaseIdempotencyKeyAsync(string key, string jobId, CancellationToken cancellationToken) =>
        await Db.ScriptEvaluateAsync(
            "local v = redis.call('GET', KEYS[1]); if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 0",
            [RedisKeys.Idempotency(key)], [jobId + "\n"]);

    /// <summary>Sends a job this replica runs back to the queue's waiting state (used when shutting down).</summary>
    internal async Task<bool> RequeueAsync(string id, string replica)
    {
        var done = (int)await Db.ScriptEvaluateAsync(RedisJobScripts.Requeue, Keys(id), [replica, Now(), RedisKeys.JobChanged.ToString(), id]);
        signals.NotifyJobChanged(id);
        return done == 1;
    }

    private async Task<JobRecord> WithOutputsAsync(JobRecord record)
    {
        if (record.Result is not { } result)
        {
            return record;
        }

        var db = Db;
        var bytes = await Task.WhenAll(result.Files.Select((_, index) => db.StringGetAsync(RedisKeys.Output(record.Id, index))));
        var files = result.Files.Select((file, index) => file with { Content = (byte[]?)bytes[index] is { } content ? new OutputBytes(content) : OutputBytes.Empty }).ToList();
        return record with { Result = result with { Files = files } };
    }

    private async Task WaitAsync(Task changed, CancellationToken cancellationToken)
    {
        try
        {
            await changed.WaitAsync(PollInterval, time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    private long Now() => StoredJob.Millis(time.GetUtcNow());

    private static RedisKey[] Keys(string id) => [RedisKeys.Job(id), RedisKeys.Events(id)];

    private static TimeSpan Positive(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;

    private static bool IsStreamId(string id) => id.Split('-') is [var ms, var seq] && ulong.TryParse(ms, out _) && ulong.TryParse(seq, out _);
}
