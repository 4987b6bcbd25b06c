namespace FluxAspire.Tests.JobsApi;

/// <summary>
/// A simulator at 50 ms per sampler step (20 steps ≈ 1 s) and an API that hands ComfyUI one job at a time
/// (Jobs:Prefetch=1, so a second job waits in our queue) and writes SSE keep-alives every 0.5 s. Shared by the classes of
/// <see cref="SlowJobsCollection"/>, which run one after another; each test leaves no job behind.
/// </summary>
public sealed class SlowJobsEnvironment : IAsyncLifetime
{
    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "50");
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, new Dictionary<string, string>
        {
            ["Jobs__Prefetch"] = "1",
            ["Jobs__Timeout"] = "00:01:00",
            ["Jobs__EventsKeepAlive"] = "00:00:00.500",
        });
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SlowJobsCollection : ICollectionFixture<SlowJobsEnvironment>
{
    public const string Name = "Slow jobs";
}
