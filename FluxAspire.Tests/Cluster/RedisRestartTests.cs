using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Infrastructure;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Cluster;

/// <summary>Redis stopped and started again under traffic: every accepted request still gets its image.</summary>
public sealed class RedisRestartTests
{
    [Fact]
    public async Task No_request_is_lost_while_Redis_restarts()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var sim = await SimulatorProcess.StartAsync("--step-ms", "40");
        await using var api = await StartReplicaAsync(sim, redis);
        using var http = api.CreateClient(TimeSpan.FromSeconds(90));

        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 3).Select(async client =>
        {
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(steps: 3, seed: (ulong)(client * 1000 + i)) });
                statuses.Add(response.StatusCode);
            }

            return statuses;
        }).ToList();

        await Task.Delay(1500);
        await redis.StopAsync();
        await Task.Delay(2500);
        await redis.StartAgainAsync();
        await Task.Delay(2500);
        await stop.CancelAsync();
        var all = (await Task.WhenAll(clients)).SelectMany(s => s).ToList();

        Assert.True(all.Count >= 10, $"only {all.Count} requests ran");
        Assert.All(all, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.False(api.HasExited);
    }
}
