namespace FluxAspire.Api.Pipeline.Jobs;

public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,

    /// <summary>Ended by a cancel (POST /jobs/{id}/cancel, POST /interrupt, or the waiting caller going away).</summary>
    Canceled,
}
