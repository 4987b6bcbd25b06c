namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>A job taken from a queue. A shared queue keeps it leased to this replica until it is acknowledged or
/// released; <see cref="Receipt"/> is that queue's handle (a Redis stream entry id), null in memory.</summary>
public sealed record JobTicket(string JobId, string? Receipt = null)
{
    /// <summary>An entry of the shared queue's pinned stream (<see cref="IJobQueue.EnqueueHereAsync"/>), not of its work stream.</summary>
    public bool Pinned { get; init; }
}
