using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Infrastructure;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Cluster;

/// <summary>Two replicas, one Redis: synchronous requests sent to one replica are run by whichever replica has room.</summary>
public sealed class WorkSharingTests
{
    [Fact]
    public async Task Requests_to_one_replica_run_on_both_replicas_ComfyUIs()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var simA = await SimulatorProcess.StartAsync("--step-ms", "150");
        await using var simB = await SimulatorProcess.StartAsync("--step-ms", "150");
        var oneAtATime = new Dictionary<string, string> { ["Jobs__Prefetch"] = "1" };
        await using var apiA = await StartReplicaAsync(simA, redis, oneAtATime);
        await using var apiB = await StartReplicaAsync(simB, redis, oneAtATime);
        using var http = apiA.CreateClient();

        var ids = Enumerable.Range(0, 6).Select(i => $"shared-{i}-{Guid.NewGuid():N}").ToList();
        var responses = await Task.WhenAll(ids.Select(id =>
            http.PostAsJsonAsync("/prompt", new JsonObject { ["id"] = id, ["prompt"] = TestGraphs.Flux(steps: 4) })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var ranOnA = (await RanOnAsync(simA)).Intersect(ids).ToList();
        var ranOnB = (await RanOnAsync(simB)).Intersect(ids).ToList();
        Assert.NotEmpty(ranOnA);
        Assert.NotEmpty(ranOnB);
        Assert.Equal(ids.Order(), ranOnA.Concat(ranOnB).Order()); // each job ran exactly once
    }
}
