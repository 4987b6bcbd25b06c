namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>Job ids waiting for a worker, first in first out. A shared queue leases each taken job to its taker until
/// <see cref="AcknowledgeAsync"/>; a taker that dies lets the lease lapse and another replica takes the job again.</summary>
public interface IJobQueue
{
    ValueTask EnqueueAsync(string id, CancellationToken cancellationToken);

    /// <summary>Queues a job that only this replica may run (its upload credentials are in this process). A shared queue
    /// still leases it, so once this replica is lost another one takes it over, to fail it with the reason.</summary>
    ValueTask EnqueueHereAsync(string id, CancellationToken cancellationToken);

    ValueTask<JobTicket> DequeueAsync(CancellationToken cancellationToken);

    /// <summary>The worker is done with the job (whatever its outcome): it leaves the queue for good.</summary>
    ValueTask AcknowledgeAsync(JobTicket ticket, CancellationToken cancellationToken);

    /// <summary>Gives a job back unfinished (shutting down): another replica takes it at once.</summary>
    ValueTask ReleaseAsync(JobTicket ticket, CancellationToken cancellationToken);

    /// <summary>Stops holding a job without a word to the queue (it could not be reached): a shared queue lets the lease
    /// lapse, and the job is taken again.</summary>
    void Abandon(JobTicket ticket);

    /// <summary>
    /// Where <paramref name="id"/> waits, computed now: 1 when it is the next job a worker takes, 2 behind one other, and
    /// so on. Null when it is not waiting (taken by a worker and starting, ended, unknown) or, in a shared queue, more
    /// than <see cref="PositionLimit"/> places back. A job cancelled while queued counts until a worker skips it.
    /// </summary>
    ValueTask<int?> PositionAsync(string id, CancellationToken cancellationToken);

    /// <summary>The farthest place a shared queue counts to (<see cref="PositionAsync"/>), so a read stays cheap.</summary>
    const int PositionLimit = 1000;

    /// <summary>Ids waiting now (a job cancelled while queued counts until the worker skips it).</summary>
    int Count { get; }

    /// <summary>Of <see cref="Count"/>, the ids only this replica can run (kept in its memory); a shared queue's
    /// waiting ids are any replica's work.</summary>
    int OwnCount { get; }
}
