using FluxAspire.Tests.Api.Outbound;

namespace FluxAspire.Tests.JobsApi;

/// <summary>
/// A fast simulator (5 ms per step), a local webhook receiver, and an API that may call it, signs webhooks, and keeps a
/// synchronous job's output bytes only 1 s (Jobs:ResultRetention) — so the tests can tell POST /jobs's longer retention.
/// Shared by the classes of <see cref="JobsApiCollection"/>, which run one after another (history counts stay exact).
/// </summary>
public sealed class JobsApiEnvironment : IAsyncLifetime
{
    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public LocalReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await LocalReceiver.StartAsync();
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "5");
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, new Dictionary<string, string>
        {
            ["OutboundUrls__Allow__0"] = Receiver.HostPort,
            ["WEBHOOK_SECRET"] = "whsec_Zmx1eGFzcGlyZS10ZXN0LWtleQ==",
            ["Jobs__ResultRetention"] = "00:00:01",
        });
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class JobsApiCollection : ICollectionFixture<JobsApiEnvironment>
{
    public const string Name = "Jobs API";
}
