using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>The Jobs API's own problem answers (validation problems come from <see cref="ApiProblems"/>).</summary>
public static class JobProblems
{
    public static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such job",
            detail: $"No job '{id}' is known; finished jobs are kept for Jobs:Retention.", extensions: Id(id));

    public static ProblemHttpResult OutputNotReady(JobRecord job) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The job has no outputs yet",
            detail: job.IsFinished
                ? $"Job '{job.Id}' is {Name(job.Status)}; only a succeeded job has outputs."
                : $"Job '{job.Id}' is {Name(job.Status)}; its outputs can be read once it has succeeded.",
            extensions: new Dictionary<string, object?> { ["id"] = job.Id, ["job_status"] = Name(job.Status) });

    public static ProblemHttpResult NoSuchOutput(string id, int index, int count) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such output",
            detail: $"Job '{id}' has {count} output{(count == 1 ? "" : "s")} (index 0 to {count - 1}); there is no index {index}.", extensions: Id(id));

    public static ProblemHttpResult OutputExpired(string id, int index) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The output has expired",
            detail: $"The bytes of output {index} of job '{id}' are no longer kept (POST /jobs keeps them for Jobs:Retention, " +
                "synchronous requests for Jobs:ResultRetention).", extensions: Id(id));

    public static ProblemHttpResult OutputsUploaded(string id, string uploadKey) =>
        TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "The outputs went to storage",
            detail: $"The outputs of job '{id}' were handed to its {uploadKey} upload and are not kept here; the job's webhook " +
                "(or response) lists their URLs, or why the upload failed.",
            extensions: new Dictionary<string, object?> { ["id"] = id, ["upload"] = uploadKey });

    public static ProblemHttpResult IdempotencyKeyReused(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused with a different request",
            detail: $"The Idempotency-Key '{key}' was first used with another request body; use a new key for a new request.");

    public static ProblemHttpResult IdempotencyKeyInProgress(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A request with this Idempotency-Key is in progress",
            detail: $"The first request with Idempotency-Key '{key}' has not created its job yet; retry in a moment.");

    /// <summary>A status as the API writes it ("succeeded").</summary>
    public static string Name(JobStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    private static Dictionary<string, object?> Id(string id) => new() { ["id"] = id };
}
