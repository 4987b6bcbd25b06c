using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>The result cache. Bound from the "Cache" section.</summary>
public sealed class CacheOptions
{
    public const string SectionName = "Cache";

    /// <summary>Off: every request runs on ComfyUI (responses still say X-Cache: miss).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a stored result is served.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Results whose output files add up to more bytes are not stored.</summary>
    [Range(typeof(long), "1", "1073741824")]
    public long MaxEntryBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// Bytes the in-process store (no Redis configured) keeps before it evicts the least recently used results: about 18
    /// FLUX images at 1024², enough for retries and repeats. Everything it holds is resident in the API's process on the
    /// GPU node (and its churn is garbage for the GC), so it is small by default; raise it where memory is to spare.
    /// </summary>
    [Range(typeof(long), "0", "1099511627776")]
    public long MaxMemoryBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Longest wait on the store (Redis) for one lookup or write; past it the cache is skipped for that request.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);
}
