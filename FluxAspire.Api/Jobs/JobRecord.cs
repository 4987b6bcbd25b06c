namespace FluxAspire.Api.Jobs;

/// <summary>A job as the store keeps it.</summary>
public sealed record JobRecord(JobRequest Request, DateTimeOffset Deadline, JobStatus Status = JobStatus.Queued, JobResult? Result = null, JobFailure? Failure = null)
{
    public string Id => Request.Id;

    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed;
}
