using System.Diagnostics;
using System.Diagnostics.Metrics;
using FluxAspire.Api.Operations.Telemetry;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>Cache outcomes as a metric and as a tag on the request's span. ServiceDefaults exports the meter named after
/// the application ("FluxAspire.Api").</summary>
internal static class CacheTelemetry
{
    private static readonly Meter Meter = ApiTelemetry.Meter;

    private static readonly Counter<long> Lookups = Meter.CreateCounter<long>("fluxaspire.cache.requests", "{request}",
        "Synchronous requests by cache outcome: hit, miss, bypass (Cache-Control), uncacheable (no explicit seed, no-store, cache off).");

    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>("fluxaspire.cache.bytes", "By",
        "Output bytes the result cache stored (direction stored) and served to hits (direction served).");

    public static void RecordBytes(string direction, long bytes) => Bytes.Add(bytes, new KeyValuePair<string, object?>("direction", direction));

    public static void Record(CacheOutcome outcome)
    {
        var name = outcome.ToString().ToLowerInvariant();
        Lookups.Add(1, new KeyValuePair<string, object?>("outcome", name));
        Activity.Current?.SetTag("fluxaspire.cache", name);
    }
}

/// <summary>What the cache did for one request.</summary>
public enum CacheOutcome
{
    Hit,
    Miss,
    Bypass,
    Uncacheable,
}
