using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>Turns what went wrong while running a job into a <see cref="JobFailure"/>.</summary>
public static class JobFailures
{
    public static JobFailure? From(Exception exception) => exception switch
    {
        ComfyPromptRejectedException rejected => new JobFailure(JobFailureKind.Rejected, rejected.Message, rejected.Body),
        ComfyExecutionException failed => new JobFailure(JobFailureKind.ExecutionFailed, failed.Message, failed.Error),
        ComfyInterruptedException interrupted => new JobFailure(JobFailureKind.Interrupted, interrupted.Message, interrupted.Interruption),
        ComfyUnavailableException unavailable => new JobFailure(JobFailureKind.Unavailable, unavailable.Message),
        ComfyProtocolException protocol => new JobFailure(JobFailureKind.BadGateway, protocol.Message),
        _ => null,
    };

    public static JobFailure DeadlineExceeded(TimeSpan timeout) =>
        new(JobFailureKind.DeadlineExceeded, $"the job did not finish within its deadline of {timeout.TotalSeconds:0.###} s");

    public static JobFailure AttemptsExhausted(int attempts) =>
        new(JobFailureKind.Unavailable, $"the job was started {attempts} times and each time its replica was lost before it finished (Jobs:MaxAttempts)");

    public static JobFailure CredentialsLost(string holder) =>
        new(JobFailureKind.Unavailable, $"the request's storage credentials stayed on replica {holder}, which was lost or shut down before the " +
            "job finished (credentials are never stored in Redis), so its outputs cannot be uploaded: submit the job again");

    public static JobFailure Cancelled() => new(JobFailureKind.Cancelled, "the job was cancelled");

    public static JobFailure InterruptRequested(JobStatus statusThen) =>
        new(JobFailureKind.InterruptRequested, $"the job was interrupted by POST /interrupt while {(statusThen == JobStatus.Queued ? "queued" : "running")}",
            new System.Text.Json.Nodes.JsonObject { ["while"] = statusThen == JobStatus.Queued ? "queued" : "running" });
}
