using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>Why a job failed, as data (so a shared store can carry it between replicas).</summary>
/// <param name="Details">ComfyUI's own error data where there is one: the 400 body for <see cref="JobFailureKind.Rejected"/>,
/// the execution_error message for <see cref="JobFailureKind.ExecutionFailed"/>.</param>
public sealed record JobFailure(JobFailureKind Kind, string Message, JsonObject? Details = null);

public enum JobFailureKind
{
    /// <summary>ComfyUI's validation refused the graph.</summary>
    Rejected,

    /// <summary>A node raised an exception while running.</summary>
    ExecutionFailed,

    /// <summary>The prompt was interrupted inside ComfyUI.</summary>
    Interrupted,

    /// <summary>ComfyUI could not be reached, before or during the run.</summary>
    Unavailable,

    /// <summary>ComfyUI answered outside the protocol, or forgot the prompt (a restart).</summary>
    BadGateway,

    /// <summary>The job's deadline passed.</summary>
    DeadlineExceeded,

    /// <summary>The caller went away or cancelled.</summary>
    Cancelled,

    /// <summary>A client asked POST /interrupt to stop the job, queued or running.</summary>
    InterruptRequested,
}
