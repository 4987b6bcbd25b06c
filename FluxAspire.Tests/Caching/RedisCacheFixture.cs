namespace FluxAspire.Tests.Caching;

/// <summary>One Redis and two API replicas sharing it, each with its own simulator (as on Salad: one ComfyUI per node).</summary>
public sealed class RedisCacheFixture : IAsyncLifetime
{
    public RedisServerProcess Redis { get; private set; } = null!;

    public SimulatorProcess SimulatorA { get; private set; } = null!;

    public SimulatorProcess SimulatorB { get; private set; } = null!;

    public ApiProcess ReplicaA { get; private set; } = null!;

    public ApiProcess ReplicaB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var redis = RedisServerProcess.StartAsync();
        var simA = SimulatorProcess.StartAsync("--step-ms", "5");
        var simB = SimulatorProcess.StartAsync("--step-ms", "5");
        (Redis, SimulatorA, SimulatorB) = (await redis, await simA, await simB);
        var a = ApiProcess.StartAsync(SimulatorA.BaseAddress, Environment());
        var b = ApiProcess.StartAsync(SimulatorB.BaseAddress, Environment());
        (ReplicaA, ReplicaB) = (await a, await b);
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["ConnectionStrings__cache"] = Redis.ConnectionString,
        ["Cache__Enabled"] = "true",
        ["Warmup__Enabled"] = "false",
    };

    public async Task DisposeAsync()
    {
        foreach (var process in new IAsyncDisposable?[] { ReplicaA, ReplicaB, SimulatorA, SimulatorB, Redis })
        {
            if (process is not null) await process.DisposeAsync();
        }
    }
}
