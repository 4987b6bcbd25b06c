using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>
/// Finished results by <see cref="CacheKey"/>. Never fails a request: when the store is down or slower than
/// <see cref="CacheOptions.Timeout"/>, a lookup is a miss and a write is dropped, logged once per outage.
/// </summary>
public sealed partial class ResultCache(IResultCacheStore store, IOptions<CacheOptions> options, TimeProvider time, ILogger<ResultCache> logger)
{
    private int _failing;

    public bool Enabled => options.Value.Enabled;

    /// <summary>"redis" or "in-process".</summary>
    public string StoreKind => store.Kind;

    /// <summary>The stored result under <paramref name="key"/>; null when there is none, the cache is off, or the store
    /// did not answer in time.</summary>
    public async Task<CachedResult?> TryGetAsync(string key, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return null;
        }

        try
        {
            var entry = await store.GetAsync(key, cancellationToken).WaitAsync(options.Value.Timeout, time, cancellationToken);
            Succeeded();
            if (entry is not null)
            {
                CacheTelemetry.RecordBytes("served", entry.TotalBytes);
            }

            return entry;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Failed("lookup", ex);
            return null;
        }
    }

    /// <summary>Stores a successful job's result under <paramref name="key"/> for <see cref="CacheOptions.Ttl"/>.
    /// False when it was not stored: cache off, larger than <see cref="CacheOptions.MaxEntryBytes"/>, file bytes
    /// missing, or the store did not take it in time.</summary>
    public async Task<bool> StoreAsync(string key, JobResult result, CancellationToken cancellationToken)
    {
        if (!Enabled || CachedResult.From(result, time.GetUtcNow()) is not { } entry)
        {
            return false;
        }

        if (entry.TotalBytes > options.Value.MaxEntryBytes)
        {
            LogTooLarge(result.Id, entry.TotalBytes, options.Value.MaxEntryBytes);
            return false;
        }

        try
        {
            await store.SetAsync(key, entry, options.Value.Ttl, cancellationToken).WaitAsync(options.Value.Timeout, time, cancellationToken);
            Succeeded();
            CacheTelemetry.RecordBytes("stored", entry.TotalBytes);
            LogStored(result.Id, store.Kind, options.Value.Ttl);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Failed("write", ex);
            return false;
        }
    }

    private void Succeeded()
    {
        if (Interlocked.Exchange(ref _failing, 0) == 1)
        {
            LogRecovered(store.Kind);
        }
    }

    private void Failed(string operation, Exception ex)
    {
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            LogUnavailable(store.Kind, operation, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Result cache ({Store}) unavailable, skipping it until it answers again: {Operation} failed with {Error}: {Reason}")]
    private partial void LogUnavailable(string store, string operation, string error, string reason);

    [LoggerMessage(LogLevel.Information, "Result cache ({Store}) answers again")]
    private partial void LogRecovered(string store);

    [LoggerMessage(LogLevel.Debug, "Result of job {JobId} cached ({Store}) for {Ttl}")]
    private partial void LogStored(string jobId, string store, TimeSpan ttl);

    [LoggerMessage(LogLevel.Information, "Result of job {JobId} not cached: {Bytes} bytes is over Cache:MaxEntryBytes ({MaxBytes})")]
    private partial void LogTooLarge(string jobId, long bytes, long maxBytes);
}
