namespace FluxAspire.Tests.Caching;

/// <summary>A simulator and an API on it with the result cache on (in-process store: no Redis configured), and a local
/// receiver the API may upload to (OutboundUrls:Allow).</summary>
public class CacheApiFixture : ApiWithReceiver
{
    public CacheApiFixture() : this(new Dictionary<string, string>()) { }

    protected CacheApiFixture(Dictionary<string, string> cacheSettings) : base(new Dictionary<string, string>(cacheSettings)
    {
        ["Cache__Enabled"] = "true",
        ["Warmup__Enabled"] = "false",
        ["Logging__LogLevel__FluxAspire.Api.Pipeline.Caching.ResultCache"] = "Debug", // "Result of job … cached": a store tests can wait for
    })
    {
    }
}

/// <summary>A short TTL (3 s) and a small entry limit (20 000 bytes: a 256×256 simulator PNG fits, a 1024×1024 one does not).</summary>
public sealed class CacheLimitsFixture() : CacheApiFixture(new Dictionary<string, string>
{
    ["Cache__Ttl"] = "00:00:03",
    ["Cache__MaxEntryBytes"] = "20000",
});
