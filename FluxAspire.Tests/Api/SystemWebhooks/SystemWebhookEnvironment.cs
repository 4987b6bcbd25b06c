using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Outbound;

namespace FluxAspire.Tests.Api.SystemWebhooks;

/// <summary>A simulator, a local receiver, and an API sending every system webhook event ("all") to
/// <see cref="SystemPath"/> on that receiver, signed with <see cref="Secret"/>, with metadata from SYSTEM_META_* and SALAD_*.</summary>
public sealed class SystemWebhookEnvironment : IAsyncLifetime
{
    public const string Secret = "c3lzdGVtLXdlYmhvb2stdGVzdC1rZXk=";
    public const string SystemPath = "/system";

    /// <summary>Served at /image.png, for image inputs given as a URL.</summary>
    public static readonly byte[] Png = Inputs.TestImages.Png(16, 16);

    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public LocalReceiver Receiver { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Receiver = await LocalReceiver.StartAsync();
        Receiver.RespondAt("/image.png", async (_, _, context) =>
        {
            context.Response.ContentType = "image/png";
            await context.Response.Body.WriteAsync(Png);
        });
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "5");
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, new Dictionary<string, string>
        {
            ["OutboundUrls__Allow__0"] = Receiver.HostPort,
            ["WEBHOOK_SECRET"] = Secret,
            ["Webhooks__RetryDelay"] = "00:00:00.100",
            ["Webhooks__RetryFor"] = "00:00:30",
            // Cleanup on, so storage.file_deleted fires.
            ["ComfyUI__InputDirectory"] = Simulator.InputDirectory,
            ["ComfyUI__OutputDirectory"] = Simulator.OutputDirectory,
            ["SYSTEM_WEBHOOK_URL"] = new Uri(Receiver.BaseAddress, SystemPath).ToString(),
            ["SYSTEM_WEBHOOK_EVENTS"] = "all",
            ["SYSTEM_META_region"] = "eu-test",
            ["SALAD_MACHINE_ID"] = "machine-7",
        });
    }

    /// <summary>Waits for the system webhook with this event whose payload satisfies <paramref name="match"/>.</summary>
    public async Task<(ReceivedRequest Request, JsonObject Body)> WaitForEventAsync(string eventName, Func<JsonObject, bool> match)
    {
        (ReceivedRequest Request, JsonObject Body)? found = null;
        bool Matched()
        {
            foreach (var request in Receiver.ReceivedAt(SystemPath))
            {
                var body = JsonNode.Parse(request.BodyText)!.AsObject();
                if ((string?)body["event"] == eventName && match(body))
                {
                    found = (request, body);
                    return true;
                }
            }

            return false;
        }

        await Eventually.UntilAsync(Matched, TimeSpan.FromSeconds(30), $"a system webhook {eventName} that matches");
        return found!.Value;
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
    }
}
