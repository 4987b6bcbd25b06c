using FluxAspire.Api.Operations.Resilience;
using Polly;
using Polly.Registry;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// The worker's one queue over two: jobs kept in this process (added while Redis was unreachable) and the shared Redis
/// work stream. Local jobs go first; they have nowhere else to run.
/// </summary>
public sealed partial class FailoverJobQueue(
    InMemoryJobQueue local, RedisJobQueue shared, FailoverJobStore store, RedisSignals signals,
    ResiliencePipelineProvider<string> pipelines, TimeProvider time, ILogger<FailoverJobQueue> logger) : IJobQueue
{
    private readonly ResiliencePipeline _redisOutage = pipelines.GetPipeline(ResiliencePipelines.RedisOutage);
    private Task? _localWait;

    public int Count => local.Count + shared.Count;

    public int OwnCount => local.OwnCount + shared.OwnCount;

    // A job kept here waits only behind this replica's local jobs; a shared one, behind the stream's waiting entries.
    public async ValueTask<int?> PositionAsync(string id, CancellationToken cancellationToken)
    {
        if (store.IsLocal(id))
        {
            return await local.PositionAsync(id, cancellationToken);
        }

        try
        {
            return await shared.PositionAsync(id, cancellationToken);
        }
        catch (Exception e) when (RedisFailures.IsOutage(e))
        {
            return null; // a place is a nicety: Redis being away must not fail the read of the job
        }
    }

    public ValueTask EnqueueAsync(string id, CancellationToken cancellationToken) =>
        EnqueueAsync(id, shared.EnqueueAsync, cancellationToken);

    public ValueTask EnqueueHereAsync(string id, CancellationToken cancellationToken) =>
        EnqueueAsync(id, shared.EnqueueHereAsync, cancellationToken);

    private async ValueTask EnqueueAsync(string id, Func<string, CancellationToken, ValueTask> enqueueShared, CancellationToken cancellationToken)
    {
        if (store.IsLocal(id))
        {
            await local.EnqueueAsync(id, cancellationToken);
            return;
        }

        // The job is in Redis already; without its queue entry nobody would ever run it.
        await _redisOutage.ExecuteAsync(RedisOutageSchedule.EnqueueJob, time, ct => enqueueShared(id, ct),
            (e, _) => LogEnqueueRetry(id, e.Message), cancellationToken);
    }

    public async ValueTask<JobTicket> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var added = signals.WorkAdded;
            if (local.TryDequeue(out var mine))
            {
                return mine;
            }

            try
            {
                if (await shared.TryTakeAsync() is { } ticket)
                {
                    return ticket;
                }
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested) // the worker must keep going whatever Redis says
            {
                if (RedisFailures.IsOutage(e))
                {
                    LogSharedQueueUnavailable(e.Message);
                }
                else
                {
                    LogSharedQueueFailed(e);
                }
            }

            // One pending wait on the local queue at a time, reused across polls.
            if (_localWait is null || _localWait.IsCompleted)
            {
                _localWait = local.WaitToReadAsync(cancellationToken).AsTask();
            }

            await Task.WhenAny(_localWait, shared.WaitForWorkAsync(added, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public ValueTask AcknowledgeAsync(JobTicket ticket, CancellationToken cancellationToken) =>
        ticket.Receipt is null ? local.AcknowledgeAsync(ticket, cancellationToken) : shared.AcknowledgeAsync(ticket, cancellationToken);

    public void Abandon(JobTicket ticket)
    {
        if (ticket.Receipt is null) local.Abandon(ticket); else shared.Abandon(ticket);
    }

    public ValueTask ReleaseAsync(JobTicket ticket, CancellationToken cancellationToken) =>
        ticket.Receipt is null ? local.ReleaseAsync(ticket, cancellationToken) : shared.ReleaseAsync(ticket, cancellationToken);

    [LoggerMessage(LogLevel.Warning, "Queueing job {JobId} in Redis failed ({Reason}); retrying")]
    private partial void LogEnqueueRetry(string jobId, string reason);

    [LoggerMessage(LogLevel.Debug, "The shared work queue is unreachable ({Reason}); taking local work only")]
    private partial void LogSharedQueueUnavailable(string reason);

    [LoggerMessage(LogLevel.Error, "Taking work from the shared queue failed; trying again at the next poll")]
    private partial void LogSharedQueueFailed(Exception exception);
}
