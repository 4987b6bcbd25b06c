using FluxAspire.Tests.Api.Outbound;

namespace FluxAspire.Tests.Caching;

/// <summary>A simulator and an API on it with the result cache on (in-process store: no Redis configured), and a local
/// receiver the API may upload to (OutboundUrls:Allow).</summary>
public class CacheApiFixture : IAsyncLifetime
{
    private readonly Dictionary<string, string> _cacheSettings;

    public CacheApiFixture() : this(new Dictionary<string, string>()) { }

    protected CacheApiFixture(Dictionary<string, string> cacheSettings) => _cacheSettings = cacheSettings;

    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public LocalReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await LocalReceiver.StartAsync();
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "5");
        var environment = new Dictionary<string, string>(_cacheSettings)
        {
            ["Cache__Enabled"] = "true",
            ["Warmup__Enabled"] = "false",
            ["OutboundUrls__Allow__0"] = Receiver.HostPort,
        };
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, environment);
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
    }
}

/// <summary>A short TTL (3 s) and a small entry limit (20 000 bytes: a 256×256 simulator PNG fits, a 1024×1024 one does not).</summary>
public sealed class CacheLimitsFixture() : CacheApiFixture(new Dictionary<string, string>
{
    ["Cache__Ttl"] = "00:00:03",
    ["Cache__MaxEntryBytes"] = "20000",
});
