namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// One change in a job's life, in order; GET /jobs/{id}/events streams these. <see cref="Id"/> is opaque and increasing
/// per job (a Redis stream entry id, or a counter in memory): a reconnecting client passes the last one it saw.
/// </summary>
public sealed record JobEvent(string Id, JobEventKind Kind, JobStatus Status, DateTimeOffset At, JobProgress? Progress = null, int Attempt = 0);

public enum JobEventKind
{
    /// <summary>The job's status changed to <see cref="JobEvent.Status"/> (queued, running, or queued again after a lost replica).</summary>
    Status,

    /// <summary>A sampler step; <see cref="JobEvent.Progress"/> is set.</summary>
    Progress,

    /// <summary>The job ended; <see cref="JobEvent.Status"/> is final. Always the last event.</summary>
    Ended,
}
