using FluxAspire.Api.Comfy;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Prompts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Jobs;

/// <summary>What every synchronous endpoint does after building its graph: run the job, then map its end to HTTP.</summary>
public sealed class JobRunner(JobService jobs, IOptions<ComfyOptions> comfyOptions)
{
    public async Task<Results<Ok<JobResult>, ProblemHttpResult>> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        JobRecord job;
        try
        {
            job = await jobs.RunAsync(request, cancellationToken);
        }
        catch (DuplicateJobException duplicate)
        {
            return ApiProblems.DuplicateId(duplicate.Id);
        }

        return job.Failure is { } failure
            ? ApiProblems.FromFailure(job.Id, failure, comfyOptions.Value.IncludeTraceback)
            : TypedResults.Ok(job.Result!);
    }

    /// <summary>The request id to use, or a validation error for a bad one.</summary>
    public static string? ResolveId(string? requested, IDictionary<string, string[]> errors)
    {
        if (requested is null)
        {
            return RequestIds.New();
        }

        if (!RequestIds.IsValid(requested))
        {
            errors["id"] = [RequestIds.Rule];
            return null;
        }

        return requested;
    }
}
