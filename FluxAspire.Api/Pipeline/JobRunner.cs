using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Downloads;
using FluxAspire.Api.Pipeline.Inputs;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline;

/// <summary>
/// The one way a <see cref="Submission"/> becomes a job, for every endpoint: its image and model inputs are resolved
/// once, the result cache is asked (explicit seeds only), and the job is run and waited for (<see cref="RunAsync"/>) or
/// queued (<see cref="SubmitAsync"/>). What happens to the result at the job's end is <see cref="JobEndDelivery"/>'s.
/// </summary>
public sealed class JobRunner(
    JobService jobs,
    ResultCache cache,
    ImageInputs imageInputs,
    ModelUrlInputs modelUrls,
    JobEndDelivery jobEnd,
    IOptions<ComfyOptions> comfyOptions,
    TimeProvider time)
{
    /// <summary>A waited job's delivered result, the URLs its outputs were uploaded to (null: none), whether it came
    /// from the result cache; or the problem to answer with.</summary>
    public readonly record struct RunOutcome(JobResult? Result, IReadOnlyList<string>? UploadedUrls, bool FromCache, ProblemHttpResult? Problem);

    /// <summary>The queued (or, from the cache, already finished) job; or the problem to answer with (a duplicate id).</summary>
    public readonly record struct SubmitOutcome(JobRecord? Job, bool FromCache, ProblemHttpResult? Problem);

    /// <summary>Runs the job and waits for its end; a caller that goes away cancels it.</summary>
    public async Task<RunOutcome> RunAsync(Submission submission, CancellationToken cancellationToken)
    {
        var (job, key, hit) = await ResolveAsync(submission, cancellationToken);
        var result = hit;
        if (result is null)
        {
            JobRecord record;
            try
            {
                record = await jobs.RunAsync(job, cancellationToken);
            }
            catch (DuplicateJobException duplicate)
            {
                return new RunOutcome(null, null, false, ApiProblems.DuplicateId(duplicate.Id));
            }
            catch (JobStoreUnavailableException lost)
            {
                return new RunOutcome(null, null, false, ApiProblems.JobStoreUnavailable(lost.JobId, lost.Message));
            }

            if (record.Failure is { } failure)
            {
                return new RunOutcome(null, null, false, ApiProblems.FromFailure(record.Id, failure, comfyOptions.Value.IncludeTraceback));
            }

            result = record.Result!;
            if (result.Files.Any(f => f.IsDescriptionOnly))
            {
                // Never a 200 with empty images: the bytes expired or were lost between the job's end and this waiter.
                return new RunOutcome(null, null, false, ApiProblems.FromFailure(record.Id,
                    new JobFailure(JobFailureKind.BadGateway, "the job's outputs were no longer available when its result was collected"), false));
            }
        }

        var delivered = await jobEnd.DeliverToWaiterAsync(job, result, hit is null ? key : null, cancellationToken);
        return new RunOutcome(delivered.Result, delivered.UploadedUrls, hit is not null, delivered.Problem);
    }

    /// <summary>Queues the job and returns at once; <see cref="JobEndDelivery"/> delivers its result when it ends. A
    /// result already in the cache makes the job born succeeded, ComfyUI untouched.</summary>
    public async Task<SubmitOutcome> SubmitAsync(Submission submission, CancellationToken cancellationToken)
    {
        var (job, key, hit) = await ResolveAsync(submission, cancellationToken);
        try
        {
            var record = hit is not null
                ? await jobs.SubmitFinishedAsync(job, hit, CancellationToken.None)
                : await jobs.SubmitAsync(job with { CacheKey = key }, CancellationToken.None);
            return new SubmitOutcome(record, hit is not null, null);
        }
        catch (DuplicateJobException duplicate)
        {
            return new SubmitOutcome(null, false, ApiProblems.DuplicateId(duplicate.Id));
        }
    }

    /// <summary>
    /// The job with its inputs resolved, the key to store its result under (null: not stored), and the cached result
    /// (null: run it). Image inputs are resolved before the lookup, so the key names their bytes; model URLs only when the
    /// job is to run, so a hit downloads nothing. Refused inputs throw <see cref="ImageInputException"/> (400).
    /// </summary>
    private async Task<(JobRequest Job, string? Key, JobResult? Hit)> ResolveAsync(Submission submission, CancellationToken cancellationToken)
    {
        try
        {
            return await ResolveInputsAsync(submission, cancellationToken);
        }
        catch (ImageInputException refused) when (submission.FieldsOfGraphInputs is { } fields)
        {
            throw refused.NamedAs(fields);
        }
    }

    private async Task<(JobRequest Job, string? Key, JobResult? Hit)> ResolveInputsAsync(Submission submission, CancellationToken cancellationToken)
    {
        var job = submission.ToJobRequest();
        var credentials = submission.Credentials;
        if (!submission.UsesResultCache || !cache.Enabled || submission.HasRandomDefaults || submission.Cache.NoStore)
        {
            if (submission.UsesResultCache)
            {
                CacheTelemetry.Record(CacheOutcome.Uncacheable);
            }

            job = await modelUrls.PrepareAsync(job, credentials, CancellationToken.None);
            return (await imageInputs.PrepareAsync(job, credentials, CancellationToken.None), null, null);
        }

        job = await imageInputs.PrepareAsync(job, credentials, cancellationToken);
        var key = CacheKey.For(job);
        if (submission.Cache.NoCache)
        {
            CacheTelemetry.Record(CacheOutcome.Bypass);
        }
        else if (await cache.TryGetAsync(key, cancellationToken) is { } entry)
        {
            CacheTelemetry.Record(CacheOutcome.Hit);
            return (job, key, entry.ToJobResult(job, time.GetUtcNow()));
        }
        else
        {
            CacheTelemetry.Record(CacheOutcome.Miss);
        }

        return (await modelUrls.PrepareAsync(job, credentials, CancellationToken.None), key, null);
    }
}
