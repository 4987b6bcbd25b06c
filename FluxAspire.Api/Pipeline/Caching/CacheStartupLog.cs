using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>Says once at start-up where results are cached, or that the cache is off.</summary>
internal sealed partial class CacheStartupLog(ResultCache cache, IOptions<CacheOptions> options, ILogger<CacheStartupLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            LogOff();
        }
        else if (cache.StoreKind == InMemoryStoreKind)
        {
            LogInProcess(o.Ttl, o.MaxEntryBytes, o.MaxMemoryBytes);
        }
        else
        {
            LogShared(cache.StoreKind, o.Ttl, o.MaxEntryBytes);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private const string InMemoryStoreKind = "in-process";

    [LoggerMessage(LogLevel.Information, "Result cache is off (Cache:Enabled is false)")]
    private partial void LogOff();

    [LoggerMessage(LogLevel.Information, "Result cache: in-process, this replica only (no Redis configured); TTL {Ttl}, entries up to {MaxEntryBytes} bytes, {MaxMemoryBytes} bytes in all")]
    private partial void LogInProcess(TimeSpan ttl, long maxEntryBytes, long maxMemoryBytes);

    [LoggerMessage(LogLevel.Information, "Result cache: {Store}, shared by every replica; TTL {Ttl}, entries up to {MaxEntryBytes} bytes")]
    private partial void LogShared(string store, TimeSpan ttl, long maxEntryBytes);
}
