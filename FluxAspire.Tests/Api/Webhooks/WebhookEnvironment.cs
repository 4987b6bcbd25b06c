using FluxAspire.Tests.Api.Outbound;

namespace FluxAspire.Tests.Api.Webhooks;

/// <summary>A simulator, a local receiver on 127.0.0.1 and an API that may call it (OutboundUrls:Allow) and signs with
/// <see cref="Secret"/>; shared by the tests of one class.</summary>
public sealed class WebhookEnvironment : IAsyncLifetime
{
    /// <summary>In svix's "whsec_" form, to prove the prefix is stripped; the key is the bytes of "fluxaspire-test-key".</summary>
    public const string Secret = "whsec_Zmx1eGFzcGlyZS10ZXN0LWtleQ==";

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
            ["WEBHOOK_SECRET"] = Secret,
            ["Webhooks__RetryDelay"] = "00:00:00.100",
            ["Webhooks__RetryFor"] = "00:00:30",
        });
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
    }
}
