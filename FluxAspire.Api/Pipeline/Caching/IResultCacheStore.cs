namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>Where cached results live: Redis when configured (shared by every replica), else this process's memory.
/// Implementations throw when the backing store is unavailable; <see cref="ResultCache"/> turns that into a skip.</summary>
public interface IResultCacheStore
{
    /// <summary>A short name for logs: "redis" or "in-process".</summary>
    string Kind { get; }

    /// <summary>The entry under <paramref name="key"/>, or null when there is none or it expired.</summary>
    Task<CachedResult?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="entry"/> under <paramref name="key"/> for <paramref name="ttl"/>, replacing any entry there.</summary>
    Task SetAsync(string key, CachedResult entry, TimeSpan ttl, CancellationToken cancellationToken);
}
