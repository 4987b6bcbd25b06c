namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>A job as the store keeps it.</summary>
public sealed record JobRecord(JobRequest Request, DateTimeOffset Deadline, JobStatus Status = JobStatus.Queued, JobResult? Result = null, JobFailure? Failure = null)
{
    public string Id => Request.Id;

    public DateTimeOffset CreatedAt => Request.ReceivedAt;

    /// <summary>When the latest attempt started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>How many times a worker started it: more than 1 after its replica was lost and another re-ran it.</summary>
    public int Attempts { get; init; }

    /// <summary>The latest sampler progress of the running attempt.</summary>
    public JobProgress? Progress { get; init; }

    /// <summary>The replica running (or that last ran) it; null while queued in a single-node store.</summary>
    public string? Replica { get; init; }

    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;

    /// <summary>The status a job ends with: canceled for a cancel or interrupt, failed for any other failure.</summary>
    public static JobStatus FinalStatus(JobFailure? failure) => failure?.Kind switch
    {
        null => JobStatus.Succeeded,
        JobFailureKind.Cancelled or JobFailureKind.InterruptRequested => JobStatus.Canceled,
        _ => JobStatus.Failed,
    };
}
