using FluxAspire.Api.Inputs;
using FluxAspire.Api.Jobs;

namespace FluxAspire.Api.Caching;

/// <summary>
/// The cache as the synchronous endpoints use it (through SyncJobRunner): <see cref="LookupAsync"/> before the job
/// runs, <see cref="StoreAsync"/> after it succeeded. The request's Cache-Control and the X-Cache answer travel in the
/// <see cref="CacheDirective"/> feature that <see cref="ResultCacheFilter"/> put on the HTTP request.
/// </summary>
public sealed class SyncResultCache(ResultCache cache, ImageInputs imageInputs, IHttpContextAccessor http, TimeProvider time)
{
    /// <summary>
    /// A served result (<see cref="CacheLookup.Hit"/>), or the job to run and the key to store its result under (null
    /// when it must not be stored). Image inputs are prepared here when the job is cacheable, so the key names their
    /// bytes; the returned <see cref="CacheLookup.Job"/> is then the prepared one, to be run as it is.
    /// </summary>
    public async Task<CacheLookup> LookupAsync(JobRequest job, CancellationToken cancellationToken)
    {
        var directive = http.HttpContext?.Features.Get<CacheDirective>();
        if (!cache.Enabled || job.HasRandomDefaults || directive?.NoStore == true)
        {
            CacheTelemetry.Record(CacheOutcome.Uncacheable);
            return new CacheLookup(job, null, null);
        }

        job = await imageInputs.PrepareAsync(job, cancellationToken);
        var key = CacheKey.For(job);
        if (directive?.NoCache == true)
        {
            CacheTelemetry.Record(CacheOutcome.Bypass);
            return new CacheLookup(job, key, null);
        }

        if (await cache.TryGetAsync(key, cancellationToken) is not { } entry)
        {
            CacheTelemetry.Record(CacheOutcome.Miss);
            return new CacheLookup(job, key, null);
        }

        directive?.Hit = true;
        CacheTelemetry.Record(CacheOutcome.Hit);
        return new CacheLookup(job, key, entry.ToJobResult(job, time.GetUtcNow()));
    }

    /// <summary>Stores a fresh result when the lookup says it may be stored; does nothing for a hit.</summary>
    public async Task StoreAsync(CacheLookup lookup, JobResult result, CancellationToken cancellationToken)
    {
        if (lookup is { Key: { } key, Hit: null })
        {
            await cache.StoreAsync(key, result, cancellationToken);
        }
    }
}

/// <param name="Job">The job to run on a miss (image inputs prepared when it is cacheable).</param>
/// <param name="Key">Its <see cref="CacheKey"/>; null when its result must not be stored.</param>
/// <param name="Hit">The stored result, shaped for <paramref name="Job"/>; null on a miss.</param>
public sealed record CacheLookup(JobRequest Job, string? Key, JobResult? Hit);
