using FluxAspire.Tests.Api.Outbound;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// A fast simulator (5 ms per sampler step), a local receiver on 127.0.0.1, and an API on the simulator that may call the
/// receiver (OutboundUrls:Allow) with the settings a subclass gives; shared by the tests of a class or collection.
/// </summary>
/// <param name="apiSettings">The API's configuration as environment variables (e.g. "WEBHOOK_SECRET").</param>
public abstract class ApiWithReceiver(IReadOnlyDictionary<string, string> apiSettings) : IAsyncLifetime
{
    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public LocalReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await LocalReceiver.StartAsync();
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "5");
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, new Dictionary<string, string>(apiSettings)
        {
            ["OutboundUrls__Allow__0"] = Receiver.HostPort,
        });
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
    }
}
