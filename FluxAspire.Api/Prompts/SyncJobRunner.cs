using FluxAspire.Api.Caching;
using FluxAspire.Api.Comfy;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Prompts;

/// <summary>What every synchronous endpoint does after building its graph: run the job, then map a failure to HTTP.</summary>
public sealed class SyncJobRunner(JobService jobs, SyncResultCache cache, IOptions<ComfyOptions> comfyOptions)
{
    /// <summary>The finished job's result, or the problem to answer with.</summary>
    public readonly record struct Outcome(JobResult? Result, ProblemHttpResult? Problem);

    public async Task<Outcome> RunAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var cached = await cache.LookupAsync(request, cancellationToken);
        if (cached.Hit is { } hit)
        {
            return new Outcome(hit, null);
        }

        JobRecord job;
        try
        {
            job = await jobs.RunAsync(cached.Job, cancellationToken);
        }
        catch (DuplicateJobException duplicate)
        {
            return new Outcome(null, ApiProblems.DuplicateId(duplicate.Id));
        }

        if (job.Failure is { } failure)
        {
            return new Outcome(null, ApiProblems.FromFailure(job.Id, failure, comfyOptions.Value.IncludeTraceback));
        }

        await cache.StoreAsync(cached, job.Result!, cancellationToken);
        return new Outcome(job.Result!, null);
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
