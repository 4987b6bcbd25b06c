using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>A simulator started with --image-kind noise serves FLUX-sized SaveImage outputs through /view.</summary>
public sealed class NoiseImageKindTests : IAsyncLifetime
{
    private SimulatorProcess _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorProcess.StartAsync("--image-kind", "noise");

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task SaveImage_writes_noise_of_realistic_size_deterministic_in_the_seed()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);

        async Task<byte[]> RunAsync(ulong seed, int size)
        {
            var request = Flux(socket.ClientId, seed: seed);
            request["prompt"]!["27"]!["inputs"]!["width"] = size;
            request["prompt"]!["27"]!["inputs"]!["height"] = size;
            var id = await QueueAsync(http, request);
            await socket.WaitForDoneAsync(id);
            var image = (await GetJsonAsync(http, $"/history/{id}"))[id]!["outputs"]!["9"]!["images"]![0]!;
            return await http.GetByteArrayAsync($"/view?filename={Uri.EscapeDataString((string)image["filename"]!)}&type=output");
        }

        var first = await RunAsync(1, 1024);
        Assert.InRange(first.Length, 1_200_000, 2_600_000);
        Assert.Equal(first, await RunAsync(1, 1024));
        Assert.NotEqual(first, await RunAsync(2, 1024));
        Assert.InRange((await RunAsync(1, 512)).Length, first.Length / 4 * 0.9, first.Length / 4 * 1.1);
    }
}
