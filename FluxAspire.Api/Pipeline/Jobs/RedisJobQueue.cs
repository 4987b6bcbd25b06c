using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// Work shared by every replica: a Redis stream read through one consumer group, so each entry goes to one replica. A taken
/// entry stays pending under this replica's name; a heartbeat re-claims it every third of <see cref="JobsOptions.Lease"/>,
/// which keeps its idle time low. A replica that stops heart-beating (killed, cut off) lets its entries' idle time pass the
/// lease, and any other replica then claims them (XAUTOCLAIM) and runs the job again.
/// A job that only its accepting replica may run goes to a second stream, <see cref="RedisKeys.PinnedWork"/>, and is taken
/// by that replica as it is added (<see cref="EnqueueHereAsync"/>); its lease is renewed the same way, and once it lapses
/// another replica's heartbeat claims it, so the worker there can end the job with the reason instead of losing it.
/// </summary>
public sealed partial class RedisJobQueue(
    IConnectionMultiplexer redis,
    RedisJobStore store,
    RedisSignals signals,
    ReplicaIdentity replica,
    IOptions<JobsOptions> options,
    ILogger<RedisJobQueue> logger) : IJobQueue, IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal); // receipt → job id
    private readonly ConcurrentDictionary<string, string> _heldPinned = new(StringComparer.Ordinal); // pinned receipt → job id
    private readonly ConcurrentQueue<JobTicket> _pinnedReady = new(); // taken from the pinned stream, not yet handed to the worker
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _groupReady;
    private int _waiting;
    private Task? _heartbeat;

    private IDatabase Db => redis.GetDatabase();

    public int Count => Volatile.Read(ref _waiting) + _pinnedReady.Count;

    public int OwnCount => _pinnedReady.Count;

    // XADD and XREADGROUP in one script: nobody else reads new pinned entries, so what it reads is its own (and any entry a
    // lost answer of an earlier try left unread, which is then this replica's to settle too). Returns id, job, id, job, ….
    private const string AddPinnedScript = """
        redis.call('XADD', KEYS[1], '*', 'job', ARGV[1])
        local read = redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', 100, 'STREAMS', KEYS[1], '>')
        local taken = {}
        if read then
          for _, entry in ipairs(read[1][2]) do
            local fields = entry[2]
            for i = 1, #fields, 2 do
              if fields[i] == 'job' then
                table.insert(taken, entry[1])
                table.insert(taken, fields[i + 1])
              end
            end
          end
        end
        return taken
        """;

    public async ValueTask EnqueueAsync(string id, CancellationToken cancellationToken)
    {
        await EnsureGroupAsync();
        var db = Db;
        var added = db.StreamAddAsync(RedisKeys.Work, "job", id);
        // Sent right behind the entry, so it arrives after it; nothing waits for its answer.
        _ = db.PublishAsync(RedisKeys.WorkAdded, id, CommandFlags.FireAndForget);
        await added;
        signals.NotifyWorkAdded();
    }

    public async ValueTask<int?> PositionAsync(string id, CancellationToken cancellationToken)
    {
        var place = (long)await Db.ScriptEvaluateAsync(RedisJobScripts.QueuePosition, [RedisKeys.Work],
            [RedisKeys.WorkersGroup, id, IJobQueue.PositionLimit]);
        return place > 0 ? (int)place : null;
    }

    public async ValueTask EnqueueHereAsync(string id, CancellationToken cancellationToken)
    {
        RedisResult taken;
        try
        {
            taken = await AddPinnedAsync(id);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            _groupReady = false;
            taken = await AddPinnedAsync(id);
        }

        var flat = (RedisValue[])taken!;
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            HoldPinned(flat[i].ToString(), flat[i + 1].ToString());
        }

        signals.NotifyWorkAdded();
    }

    private async Task<RedisResult> AddPinnedAsync(string id)
    {
        await EnsureGroupAsync();
        return await Db.ScriptEvaluateAsync(AddPinnedScript, [RedisKeys.PinnedWork], [id, RedisKeys.WorkersGroup, replica.Id]);
    }

    private void HoldPinned(string receipt, string id)
    {
        if (_heldPinned.TryAdd(receipt, id))
        {
            _pinnedReady.Enqueue(new JobTicket(id, receipt) { Pinned = true });
        }
    }

    /// <summary>One look for work without waiting: a lapsed lease of another replica first, then new work. Null when there is none.</summary>
    public async Task<JobTicket?> TryTakeAsync()
    {
        try
        {
            return await TakeAsync();
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // Redis came back without our consumer group (it lost its data): make it again.
            _groupReady = false;
            return await TakeAsync();
        }
    }

    private async Task<JobTicket?> TakeAsync()
    {
        if (_pinnedReady.TryDequeue(out var pinned))
        {
            return pinned;
        }

        await EnsureGroupAsync();
        var db = Db;
        var lapsed = await db.StreamAutoClaimAsync(RedisKeys.Work, RedisKeys.WorkersGroup, replica.Id,
            (long)options.Value.Lease.TotalMilliseconds, "0-0", count: 1);
        if (lapsed.ClaimedEntries is [var reclaimed, ..] && !_held.ContainsKey(reclaimed.Id.ToString()))
        {
            LogReclaimed((string?)reclaimed["job"], reclaimed.Id.ToString());
            return Hold(reclaimed);
        }

        var fresh = await db.StreamReadGroupAsync(RedisKeys.Work, RedisKeys.WorkersGroup, replica.Id, ">", count: 1);
        return fresh is [var entry, ..] ? Hold(entry) : null;
    }

    public async ValueTask<JobTicket> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var added = signals.WorkAdded;
            if (await TryTakeAsync() is { } ticket)
            {
                return ticket;
            }

            await WaitForWorkAsync(added, cancellationToken);
        }
    }

    /// <summary>Waits until work may be there: a wake-up, or the poll interval (which also finds lapsed leases).</summary>
    public async Task WaitForWorkAsync(Task added, CancellationToken cancellationToken)
    {
        var poll = TimeSpan.FromTicks(Math.Min(RedisJobStore.PollInterval.Ticks, options.Value.Lease.Ticks / 3));
        try
        {
            await added.WaitAsync(poll, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    public async ValueTask AcknowledgeAsync(JobTicket ticket, CancellationToken cancellationToken)
    {
        if (ticket.Receipt is not { } receipt)
        {
            return;
        }

        // No longer renewed from here on: if the acknowledgement does not reach Redis, the lease lapses and the entry is
        // claimed again, and the job, already ended, is simply acknowledged then.
        (ticket.Pinned ? _heldPinned : _held).TryRemove(receipt, out _);
        var db = Db;
        var stream = ticket.Pinned ? RedisKeys.PinnedWork : RedisKeys.Work;
        // Both sent before either answer is awaited: one round trip.
        var acknowledged = db.StreamAcknowledgeAsync(stream, RedisKeys.WorkersGroup, receipt);
        var deleted = db.StreamDeleteAsync(stream, [receipt]);
        await Task.WhenAll(acknowledged, deleted);
    }

    public void Abandon(JobTicket ticket)
    {
        if (ticket.Receipt is { } receipt)
        {
            (ticket.Pinned ? _heldPinned : _held).TryRemove(receipt, out _);
        }
    }

    /// <summary>A pinned job handed back goes to the shared work stream: the replica that takes it cannot upload it (the
    /// credentials leave with this one) and fails it with the reason.</summary>
    public async ValueTask ReleaseAsync(JobTicket ticket, CancellationToken cancellationToken)
    {
        if (await store.RequeueAsync(ticket.JobId, replica.Id))
        {
            await EnqueueAsync(ticket.JobId, cancellationToken);
        }

        await AcknowledgeAsync(ticket, cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _heartbeat = Task.Run(() => HeartbeatAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_heartbeat is not null)
        {
            await _heartbeat.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private JobTicket? Hold(StreamEntry entry)
    {
        var receipt = entry.Id.ToString();
        if ((string?)entry["job"] is not { } id)
        {
            _ = Db.StreamAcknowledgeAsync(RedisKeys.Work, RedisKeys.WorkersGroup, receipt, CommandFlags.FireAndForget);
            return null;
        }

        _held[receipt] = id;
        return new JobTicket(id, receipt);
    }

    // Re-claiming our own pending entries resets their idle time: that is the lease renewal other replicas see.
    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Lease / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var db = Db;
                if (!_held.IsEmpty)
                {
                    var receipts = _held.Keys.Select(r => (RedisValue)r).ToArray();
                    await db.StreamClaimIdsOnlyAsync(RedisKeys.Work, RedisKeys.WorkersGroup, replica.Id, 0, receipts);
                }

                if (!_heldPinned.IsEmpty)
                {
                    var receipts = _heldPinned.Keys.Select(r => (RedisValue)r).ToArray();
                    await db.StreamClaimIdsOnlyAsync(RedisKeys.PinnedWork, RedisKeys.WorkersGroup, replica.Id, 0, receipts);
                }

                await ClaimLapsedPinnedAsync(db);

                await CountWaitingAsync(db);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested) // never let the heartbeat die: leases would lapse
            {
                LogHeartbeatFailed(e.Message);
            }

            await Task.Delay(interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // A pinned job whose replica stopped renewing its lease: taken here so that the worker ends it (it cannot run here).
    // Looked for at the heartbeat rather than at every take, since it is rare and its end is not in a hurry.
    private async Task ClaimLapsedPinnedAsync(IDatabase db)
    {
        if (!_groupReady)
        {
            return;
        }

        var lapsed = await db.StreamAutoClaimAsync(RedisKeys.PinnedWork, RedisKeys.WorkersGroup, replica.Id,
            (long)options.Value.Lease.TotalMilliseconds, "0-0", count: 10);
        foreach (var entry in lapsed.ClaimedEntries)
        {
            if ((string?)entry["job"] is { } id)
            {
                LogReclaimed(id, entry.Id.ToString());
                HoldPinned(entry.Id.ToString(), id);
            }
        }

        if (lapsed.ClaimedEntries.Length > 0)
        {
            signals.NotifyWorkAdded();
        }
    }

    private async Task CountWaitingAsync(IDatabase db)
    {
        var length = await db.StreamLengthAsync(RedisKeys.Work);
        var pending = _groupReady ? (await db.StreamPendingAsync(RedisKeys.Work, RedisKeys.WorkersGroup)).PendingMessageCount : 0;
        Volatile.Write(ref _waiting, (int)Math.Clamp(length - pending, 0, int.MaxValue));
    }

    private async Task EnsureGroupAsync()
    {
        if (_groupReady)
        {
            return;
        }

        foreach (var stream in new[] { RedisKeys.Work, RedisKeys.PinnedWork })
        {
            try
            {
                await Db.StreamCreateConsumerGroupAsync(stream, RedisKeys.WorkersGroup, "0-0", createStream: true);
            }
            catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
            {
            }
        }

        _groupReady = true;
    }

    [LoggerMessage(LogLevel.Warning, "Took over job {JobId} (work entry {Receipt}): the replica that held it stopped renewing its lease")]
    private partial void LogReclaimed(string? jobId, string receipt);

    [LoggerMessage(LogLevel.Warning, "Renewing job leases failed: {Reason}")]
    private partial void LogHeartbeatFailed(string reason);
}
