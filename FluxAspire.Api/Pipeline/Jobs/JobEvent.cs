namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// One change in a job's life, in order; GET /jobs/{id}/events streams these. <see cref="Id"/> is opaque and increasing
/// per job (a Redis stream entry id, or a counter in memory): a reconnecting client passes the last one it saw.
/// </summary>
public sealed record JobEvent(string Id, JobEventKind Kind, JobStatus Status, DateTimeOffset At, JobProgress? Progress = null, int Attempt = 0)
{
    /// <summary>Set on a <see cref="JobEventKind.Preview"/> event; null once the job has ended and its previews were let go.</summary>
    public JobPreview? Preview { get; init; }
}

public enum JobEventKind
{
    /// <summary>The job's status changed to <see cref="JobEvent.Status"/> (queued, running, or queued again after a lost replica).</summary>
    Status,

    /// <summary>A sampler step; <see cref="JobEvent.Progress"/> is set.</summary>
    Progress,

    /// <summary>A sampler preview (only for jobs submitted with previews on); <see cref="JobEvent.Preview"/> is set.</summary>
    Preview,

    /// <summary>The job ended; <see cref="JobEvent.Status"/> is final. Always the last event.</summary>
    Ended,
}
