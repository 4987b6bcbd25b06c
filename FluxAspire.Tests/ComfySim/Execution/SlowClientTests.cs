using System.Net.WebSockets;
using System.Text;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>A client that stops reading must not stall the worker: its socket is dropped once its backlog is too big.</summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task A_client_that_never_reads_is_dropped_and_its_prompt_still_completes()
    {
        await using var sim = await SimulatorProcess.StartAsync("--preview-method", "latent2rgb");
        using var http = sim.CreateClient();
        var clientId = Guid.NewGuid().ToString("N");
        using var stuck = new ClientWebSocket();
        await stuck.ConnectAsync(sim.WebSocketUri(clientId), CancellationToken.None);

        // ~85 KB of preview per step: 800 steps is far more than the socket buffers plus the 32 MB outbox budget.
        var id = await QueueAsync(http, Flux(clientId, seed: 900, steps: 800));
        await Eventually.TryUntilAsync(async () => await http.GetStringAsync($"/history/{id}") != "{}", TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(100));
        Assert.Contains("\"status_str\":\"success\"", await http.GetStringAsync($"/history/{id}"), StringComparison.Ordinal);

        // Reading now drains what was delivered before the drop, then the connection ends without the final message.
        var buffer = new byte[1 << 20];
        var sawEnd = false;
        using var message = new MemoryStream();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var result = await stuck.ReceiveAsync(buffer, cts.Token);
                if (result.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                if (result.MessageType == WebSocketMessageType.Text && Encoding.UTF8.GetString(message.ToArray()).Contains("\"node\":null", StringComparison.Ordinal))
                {
                    sawEnd = true;
                }

                message.SetLength(0);
            }
        }
        catch (WebSocketException)
        {
            // the server aborted the connection
        }

        Assert.False(sawEnd, "the dropped client should not have received executing {node: null}");
    }
}
