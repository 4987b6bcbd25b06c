namespace FluxAspire.Api.Jobs;

public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
}
