using System.Diagnostics;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>--load-ms: paid when the checkpoint loader runs, and again by the sampler after /free unload_models.</summary>
public sealed class ModelLoadTests : IAsyncLifetime
{
    private const int LoadMs = 1500;
    private SimulatorProcess _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorProcess.StartAsync("--load-ms", LoadMs.ToString());

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Loading_costs_load_ms_first_and_after_unload_models_but_not_when_warm()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);

        async Task<TimeSpan> RunAsync(ulong seed)
        {
            var started = Stopwatch.GetTimestamp();
            var id = await QueueAsync(http, Flux(socket.ClientId, seed: seed));
            await socket.WaitForDoneAsync(id);
            return Stopwatch.GetElapsedTime(started);
        }

        Assert.True(await RunAsync(1) >= TimeSpan.FromMilliseconds(LoadMs), "the first prompt loads the checkpoint");
        Assert.True(await RunAsync(2) < TimeSpan.FromMilliseconds(LoadMs), "a new seed reuses the loaded model");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/free", new System.Text.Json.Nodes.JsonObject { ["unload_models"] = true })).Status);
        socket.Clear();
        Assert.True(await RunAsync(3) >= TimeSpan.FromMilliseconds(LoadMs), "after unload_models the model is loaded again");
        Assert.Equal(["6", "27", "30", "33", "35"], // unload_models alone keeps the caches
            socket.Messages.Single(m => m.Type == "execution_cached").Data["nodes"]!.AsArray().Select(n => n!.GetValue<string>()));
    }
}
