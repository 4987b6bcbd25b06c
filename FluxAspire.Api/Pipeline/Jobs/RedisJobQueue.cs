using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// Work shared by every replica: a Redis stream read through one consumer group, so each entry goes to one replica. A taken
/// entry stays pending under this replica's name; a heartbeat re-claims it every third of <see cref="JobsOptions.Lease"/>,
/// which keeps its idle time low. A replica that stops heart-beating (killed, cut off) lets its entries' idle time pass the
/// lease, and any other replica then claims them (XAUTOCLAIM) and runs the job again.
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
    private readonly CancellationTokenSource _stopping = new();
    private volatile bool _groupReady;
    private int _waiting;
    private Task? _heartbeat;

    private IDatabase Db => redis.GetDatabase();

    public int Count => Volatile.Read(ref _waiting);

    public int OwnCount => 0;

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
        _held.TryRemove(receipt, out _);
        var db = Db;
        // Both sent before either answer is awaited: one round trip.
        var acknowledged = db.StreamAcknowledgeAsync(RedisKeys.Work, RedisKeys.WorkersGroup, receipt);
        var deleted = db.StreamDeleteAsync(RedisKeys.Work, [receipt]);
        await Task.WhenAll(acknowledged, deleted);
    }

    public void Abandon(JobTicket ticket)
    {
        if (ticket.Receipt is { } receipt)
        {
            _held.TryRemove(receipt, out _);
        }
    }

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

                await CountWaitingAsync(db);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested) // never let the heartbeat die: leases would lapse
            {
                LogHeartbeatFailed(e.Message);
            }

            await Task.Delay(interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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

        try
        {
            await Db.StreamCreateConsumerGroupAsync(RedisKeys.Work, RedisKeys.WorkersGroup, "0-0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }

        _groupReady = true;
    }

    [LoggerMessage(LogLevel.Warning, "Took over job {JobId} (work entry {Receipt}): the replica that held it stopped renewing its lease")]
    private partial void LogReclaimed(string? jobId, string receipt);

    [LoggerMessage(LogLevel.Warning, "Renewing job leases failed: {Reason}")]
    private partial void LogHeartbeatFailed(string reason);
}
