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

        // Whole images both ways: from A's memory for the jobs A ran, from Redis for those B ran.
        foreach (var (id, response) in ids.Zip(responses))
        {
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var png = Convert.FromBase64String((string)body["images"]![0]!);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.True(png.Length > 1000, $"{id}: {png.Length} bytes");
            Assert.Equal($"{id}_ComfyUI_00001_.png", (string?)body["filenames"]![0]);
        }

        // The jobs A ran handed their bytes to A's waiters in memory: none were written to Redis for them.
        foreach (var id in ranOnA)
        {
            Assert.Equal(":0", await redis.CommandAsync("EXISTS", $"fluxaspire:job:{id}:out:0"));
        }
    }
}
