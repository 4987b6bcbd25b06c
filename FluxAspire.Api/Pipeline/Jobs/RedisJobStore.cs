using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// Jobs in Redis, shared by every replica: a hash per job, an event stream per job (the SSE log), and output bytes in their
/// own keys (binary, not base64). State changes are Lua scripts (<see cref="RedisJobScripts"/>); waiters wake on pub/sub
/// and re-read Redis at least every <see cref="PollInterval"/>.
/// </summary>
/// <remarks>
/// Output bytes are written once, by the script that ends the job, and only when someone elsewhere needs them: a job of
/// POST /jobs (read later through GET /jobs/{id}/outputs) or a waiter on another replica. A waiter on the replica that
/// ran the job gets them in memory (<see cref="WaitForResultAsync"/>); the result cache, if it keeps them, writes
/// them then. Sampler progress is written at most once per <see cref="JobsOptions.ProgressInterval"/> per job (the
/// latest value; the last one before the job's end always).
/// </remarks>
public sealed class RedisJobStore(
    IConnectionMultiplexer redis, RedisSignals signals, ReplicaIdentity replica, IOptions<JobsOptions> options, TimeProvider time) : IJobStore
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a waiter here waits for the result from this replica's worker once Redis says the job ended (the
    /// worker hands it over right after its end script answers), before it reads Redis instead.</summary>
    private static readonly TimeSpan HandoffWait = TimeSpan.FromSeconds(5);

    // Jobs whose result a waiter in this process collects: the result once this replica ended the job (null: it did not).
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JobResult?>> _handoffs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProgressSlot> _progress = new(StringComparer.Ordinal);

    private IDatabase Db => redis.GetDatabase();

    private JobsOptions Options => options.Value;

    public async ValueTask<bool> TryAddAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ttl = Positive(job.Deadline - now) + Options.Retention + TimeSpan.FromMinutes(1);
        var added = (int)await Db.ScriptEvaluateAsync(RedisJobScripts.Add, Keys(job.Id),
        [
            StoredJob.Serialize(job.Request), StoredJob.Millis(job.Deadline), StoredJob.Millis(job.CreatedAt), (long)ttl.TotalMilliseconds,
            RedisKeys.JobChanged.ToString(), job.Id, job.Request.RetainOutputs ? 1 : 0,
        ]);
        if (added == 1 && job.Request.RetainOutputs)
        {
            await RememberRecentAsync(job, ttl);
        }

        return added == 1;
    }

    /// <summary>Lists the job for GET /jobs, and lets go of those whose hash has certainly expired.</summary>
    private async Task RememberRecentAsync(JobRecord job, TimeSpan ttl)
    {
        var db = Db;
        var longestLife = Options.Timeout + Options.Retention + TimeSpan.FromMinutes(1);
        await Task.WhenAll(
            db.SortedSetAddAsync(RedisKeys.Recent, job.Id, StoredJob.Millis(job.CreatedAt)),
            db.SortedSetRemoveRangeByScoreAsync(RedisKeys.Recent, double.NegativeInfinity, StoredJob.Millis(time.GetUtcNow() - longestLife), Exclude.Stop),
            db.KeyExpireAsync(RedisKeys.Recent, longestLife > ttl ? longestLife : ttl));
    }

    public ValueTask ReportPreviewAsync(string id, JobPreview preview, CancellationToken cancellationToken)
    {
        // Fire and forget, as progress: the worker goes on with the job; a lost preview is no loss.
        _ = Db.ScriptEvaluateAsync(RedisJobScripts.Preview, Keys(id),
            [StoredJob.Describe(preview), preview.Image, Now(), RedisKeys.JobProgressed.ToString(), id], CommandFlags.FireAndForget);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<IReadOnlyList<JobRecord>> ListAsync(JobListCursor? before, int limit, CancellationToken cancellationToken)
    {
        var db = Db;
        var found = new List<JobRecord>();
        var max = before is null ? double.PositiveInfinity : StoredJob.Millis(before.CreatedAt);
        var batchSize = limit + 16;
        for (var skip = 0L; found.Count < limit; skip += batchSize)
        {
            var batch = await db.SortedSetRangeByScoreWithScoresAsync(RedisKeys.Recent, double.NegativeInfinity, max, Exclude.None, Order.Descending, skip, batchSize);
            var ids = batch.Where(e => before is null || e.Score < max || string.CompareOrdinal(e.Element.ToString(), before.Id) < 0).Select(e => e.Element.ToString());
            var records = await Task.WhenAll(ids.Select(async jobId => StoredJob.Read(await db.HashGetAllAsync(RedisKeys.Job(jobId)))));
            found.AddRange(records.OfType<JobRecord>());
            if (batch.Length < batchSize)
            {
                break;
            }
        }

        return JobListCursor.NewestFirst(found).Take(limit).ToList();
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

    public ValueTask ReportProgressAsync(string id, JobProgress progress, CancellationToken cancellationToken)
    {
        var interval = Options.ProgressInterval;
        var slot = _progress.GetOrAdd(id, static _ => new ProgressSlot());
        var now = time.GetTimestamp();
        lock (slot)
        {
            if (slot.Pending is not null || (slot.WrittenAt is { } at && time.GetElapsedTime(at, now) < interval))
            {
                // Too soon after the last write: keep the latest value; one flush writes it when the interval is up.
                var flushScheduled = slot.Pending is not null;
                slot.Pending = progress;
                if (!flushScheduled)
                {
                    _ = FlushProgressLaterAsync(id, slot, interval - time.GetElapsedTime(slot.WrittenAt!.Value, now));
                }

                return ValueTask.CompletedTask;
            }

            slot.WrittenAt = now;
        }

        WriteProgress(id, progress);
        return ValueTask.CompletedTask;
    }

    private async Task FlushProgressLaterAsync(string id, ProgressSlot slot, TimeSpan delay)
    {
        await Task.Delay(delay, time).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (TakePending(slot, time.GetTimestamp()) is { } pending)
        {
            WriteProgress(id, pending);
        }
    }

    private static JobProgress? TakePending(ProgressSlot slot, long now)
    {
        lock (slot)
        {
            var pending = slot.Pending;
            slot.Pending = null;
            if (pending is not null)
            {
                slot.WrittenAt = now;
            }

            return pending;
        }
    }

    // Fire and forget: progress is advisory, the job goes on whatever Redis says.
    private void WriteProgress(string id, JobProgress progress)
    {
        try
        {
            _ = Db.ScriptEvaluateAsync(RedisJobScripts.Progress, Keys(id),
                [StoredJob.Serialize(progress), Now(), RedisKeys.JobProgressed.ToString(), id], CommandFlags.FireAndForget);
        }
        catch (Exception e) when (RedisFailures.IsOutage(e))
        {
        }
    }

    public async ValueTask<bool> CompleteAsync(string id, JobResult? result, JobFailure? failure, CancellationToken cancellationToken)
    {
        var db = Db;
        // The last progress not yet written goes first (same connection, so Redis runs it before the end).
        if (_progress.TryRemove(id, out var slot) && TakePending(slot, time.GetTimestamp()) is { } pending)
        {
            WriteProgress(id, pending);
        }

        var succeeded = failure is null && result is not null;
        // A waiter here takes the bytes from memory; anyone else reads them from Redis.
        _handoffs.TryGetValue(id, out var handoff);
        var handOver = succeeded && handoff is not null;
        var files = succeeded && !handOver && !result!.Files.Any(f => f.IsDescriptionOnly) ? result!.Files : [];
        var keys = new RedisKey[2 + files.Count];
        Keys(id).CopyTo(keys, 0);
        var args = new RedisValue[8 + files.Count];
        args[0] = StoredJob.Status(JobRecord.FinalStatus(failure));
        args[1] = Now();
        args[2] = succeeded ? StoredJob.Describe(result!) : "";
        args[3] = failure is null ? "" : StoredJob.Serialize(failure);
        args[4] = (long)Options.Retention.TotalMilliseconds;
        args[5] = RedisKeys.JobEnded.ToString();
        args[6] = id;
        // Never past the retention: a job id is free again after it, and its outputs must be gone with it.
        args[7] = Math.Max(1, (long)TimeSpan.FromTicks(Math.Min(Options.ResultRetention.Ticks, Options.Retention.Ticks)).TotalMilliseconds);
        var contiguous = files.Select(f => f.Content.Contiguous()).ToList();
        for (var i = 0; i < files.Count; i++)
        {
            keys[2 + i] = RedisKeys.Output(id, i);
            args[8 + i] = (ReadOnlyMemory<byte>)contiguous[i].Memory;
        }

        var ended = (int)await db.ScriptEvaluateAsync(RedisJobScripts.Complete, keys, args);
        // Only once Redis has answered is the client done with them; after a failure they are left to the GC.
        contiguous.ForEach(c => c.Dispose());
        if (handoff is not null)
        {
            // Ended by an earlier try of ours whose answer was lost (a retry through an outage): the bytes are still only here.
            var oursAlready = ended == 0 && handOver && await db.HashGetAsync(RedisKeys.Job(id), ["status", "replica"]) is [var status, var by]
                && status == StoredJob.Status(JobStatus.Succeeded) && by == replica.Id;
            handoff.TrySetResult(handOver && (ended == 1 || oursAlready) ? result : null);
        }

        signals.NotifyJobEnded(id);
        return ended == 1;
    }

    public async Task<JobRecord> WaitForEndAsync(string id, CancellationToken cancellationToken)
    {
        while (true)
        {
            var ended = signals.JobEnded(id);
            // The whole hash (request and graph) only once the job has ended; until then just its status.
            var read = await Db.ScriptEvaluateAsync(RedisJobScripts.ReadIfEnded, [RedisKeys.Job(id)]);
            if (read.Resp2Type == ResultType.Integer && (int)read == -1)
            {
                throw new KeyNotFoundException($"no job '{id}'");
            }

            if (read.Resp2Type == ResultType.Array && StoredJob.Read(ToHashEntries((RedisValue[])read!)) is { IsFinished: true } record)
            {
                signals.Forget(id);
                return record;
            }

            await WaitAsync(ended, cancellationToken);
        }
    }

    public async Task<JobRecord> WaitForResultAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var id = job.Id;
        var handoff = new TaskCompletionSource<JobResult?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _handoffs[id] = handoff;
        try
        {
            var record = await WaitForEndAsync(id, cancellationToken);
            if (record.Result is null)
            {
                return record;
            }

            // Ended by this replica's worker: it hands the result over as soon as its end script has answered (Redis may
            // wake us a moment before that). Ended elsewhere: the bytes are in Redis.
            if (record.Replica == replica.Id)
            {
                try
                {
                    if (await handoff.Task.WaitAsync(HandoffWait, time, cancellationToken) is { } local)
                    {
                        return record with { Result = local };
                    }
                }
                catch (TimeoutException)
                {
                }
            }

            return await WithOutputsAsync(record);
        }
        finally
        {
            _handoffs.TryRemove(new KeyValuePair<string, TaskCompletionSource<JobResult?>>(id, handoff));
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
        _progress.TryRemove(id, out _);
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

    private static HashEntry[] ToHashEntries(RedisValue[] flat)
    {
        var entries = new HashEntry[flat.Length / 2];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new HashEntry(flat[2 * i], flat[2 * i + 1]);
        }

        return entries;
    }

    private long Now() => StoredJob.Millis(time.GetUtcNow());

    private static RedisKey[] Keys(string id) => [RedisKeys.Job(id), RedisKeys.Events(id)];

    private static TimeSpan Positive(TimeSpan span) => span > TimeSpan.Zero ? span : TimeSpan.Zero;

    /// <summary>A job's progress writes: when the last went out, and the latest value waiting for the interval to pass.</summary>
    private sealed class ProgressSlot
    {
        public long? WrittenAt { get; set; }

        public JobProgress? Pending { get; set; }
    }

    private static bool IsStreamId(string id) => id.Split('-') is [var ms, var seq] && ulong.TryParse(ms, out _) && ulong.TryParse(seq, out _);
}
