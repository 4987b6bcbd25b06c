using System.Diagnostics;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>
/// Throughput with zero-cost steps: 64 concurrent clients, each with its own socket, 1024² FLUX prompts.
/// A benchmark, so it runs only when COMFYSIM_THROUGHPUT=1 (the shared 2-core CI machine cannot time it fairly).
/// </summary>
public sealed class ThroughputTests
{
    [Fact]
    public async Task Sixty_four_clients_get_at_least_fifty_1024px_images_per_second()
    {
        if (Environment.GetEnvironmentVariable("COMFYSIM_THROUGHPUT") != "1")
        {
            return;
        }

        await using var sim = await SimulatorProcess.StartAsync();
        using var http = sim.CreateClient();
        const int clients = 64, perClient = 8;
        var sockets = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => SimSocket.ConnectAsync(sim)));
        var warm = Flux(sockets[0].ClientId, seed: 1);
        warm["prompt"]!["27"]!["inputs"]!["width"] = 1024;
        warm["prompt"]!["27"]!["inputs"]!["height"] = 1024;
        await sockets[0].WaitForDoneAsync(await QueueAsync(http, warm));

        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(sockets.Select(async (socket, c) =>
        {
            for (var i = 0; i < perClient; i++)
            {
                var request = Flux(socket.ClientId, seed: (ulong)(1000 + c * perClient + i));
                request["prompt"]!["27"]!["inputs"]!["width"] = 1024;
                request["prompt"]!["27"]!["inputs"]!["height"] = 1024;
                await socket.WaitForDoneAsync(await QueueAsync(http, request), seconds: 120);
            }
        }));
        var perSecond = clients * perClient / Stopwatch.GetElapsedTime(started).TotalSeconds;
        foreach (var socket in sockets) await socket.DisposeAsync();
        Assert.True(perSecond >= 50, $"{perSecond:F1} images/s");
    }
}
