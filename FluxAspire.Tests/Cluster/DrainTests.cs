using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Infrastructure;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Cluster;

/// <summary>SIGTERM during a job: the replica stops taking work, says not ready, and hands the job to another replica.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task A_job_running_on_a_stopping_replica_finishes_on_another_and_its_caller_gets_the_image()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var slow = await SimulatorProcess.StartAsync("--step-ms", "1000");
        await using var fast = await SimulatorProcess.StartAsync("--step-ms", "20");
        await using var stopping = await StartReplicaAsync(slow, redis, new() { ["Jobs__DrainTimeout"] = "00:00:01" });
        using var caller = stopping.CreateClient(TimeSpan.FromSeconds(90));
        var id = $"drain-{Guid.NewGuid():N}";
        var response = caller.PostAsJsonAsync("/prompt", new JsonObject { ["id"] = id, ["prompt"] = TestGraphs.Flux(steps: 20) });
        await Eventually.UntilAsync(() => IsRunningOnAsync(slow, id), TimeSpan.FromSeconds(20), "the job running on the first replica's ComfyUI");
        await using var other = await StartReplicaAsync(fast, redis);

        stopping.Terminate();
        await Eventually.UntilAsync(async () => await ReadyStatusAsync(stopping) is HttpStatusCode.ServiceUnavailable or null, TimeSpan.FromSeconds(5),
            "/ready to refuse while draining");

        using var answered = await response;
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        var body = await answered.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(id, body!["id"]!.GetValue<string>());
        Assert.Single(body["images"]!.AsArray());
        Assert.True((await RanOnAsync(fast)).Contains(id), $"the job did not run on the other replica; the stopping replica's log:\n{stopping.Log}");
        Assert.Equal(0, await stopping.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("handed back to the queue", stopping.Log);
    }

    private static async Task<HttpStatusCode?> ReadyStatusAsync(ApiProcess api)
    {
        try
        {
            using var http = api.CreateClient(TimeSpan.FromSeconds(2));
            using var response = await http.GetAsync("/ready");
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // already stopped listening
        }
    }
}
