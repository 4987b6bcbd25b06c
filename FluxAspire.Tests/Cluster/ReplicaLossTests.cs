using System.Net;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Infrastructure;
using FluxAspire.Tests.JobsApi;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Cluster;

/// <summary>The headline: a replica vanishes mid-job (SIGKILL, as a Salad node does) and another replica finishes its job.</summary>
public sealed class ReplicaLossTests
{
    [Fact]
    public async Task A_job_of_a_killed_replica_completes_on_another_replica_with_two_attempts()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var simA = await SimulatorProcess.StartAsync("--step-ms", "1000");
        await using var simB = await SimulatorProcess.StartAsync("--step-ms", "20");
        await using var apiA = await StartReplicaAsync(simA, redis);
        var onA = new JobsClient(apiA.CreateClient());

        var submitted = await onA.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(512, 512, steps: 20) });
        Assert.Equal(HttpStatusCode.Accepted, submitted.Status);
        var id = (string)submitted.Body["id"]!;
        await onA.WaitAsync(id, job => (string?)job["status"] == "running" && job["progress"] is not null, TimeSpan.FromSeconds(30));
        Assert.True(await IsRunningOnAsync(simA, id));

        await using var apiB = await StartReplicaAsync(simB, redis);
        var onB = new JobsClient(apiB.CreateClient());
        Assert.Equal("running", (string?)(await onB.GetAsync(id)).Body["status"]); // any replica answers for any job
        apiA.KillNow();

        var finished = await onB.WaitAsync(id, job => (string?)job["status"] is "succeeded" or "failed" or "canceled", TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", (string?)finished["status"]);
        Assert.Equal(2, (int)finished["attempts"]!);
        Assert.Contains(id, await RanOnAsync(simB));

        using var output = await onB.Http.GetAsync($"/jobs/{id}/outputs/0");
        Assert.Equal(HttpStatusCode.OK, output.StatusCode);
        Assert.Equal("image/png", output.Content.Headers.ContentType?.MediaType);
        var png = await output.Content.ReadAsByteArrayAsync();
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.Equal((long)finished["result"]!["outputs"]![0]!["size"]!, png.LongLength);
    }

    [Fact]
    public async Task A_job_whose_replicas_keep_dying_fails_after_MaxAttempts_instead_of_running_forever()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var slow = await SimulatorProcess.StartAsync("--step-ms", "1000");
        var oneAttempt = new Dictionary<string, string> { ["Jobs__MaxAttempts"] = "1" };
        await using var first = await StartReplicaAsync(slow, redis, oneAttempt);
        var jobs = new JobsClient(first.CreateClient());
        var id = (string)(await jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(steps: 20) })).Body["id"]!;
        await jobs.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(30));
        first.KillNow();

        await using var fast = await SimulatorProcess.StartAsync("--step-ms", "20");
        await using var second = await StartReplicaAsync(fast, redis, oneAttempt);
        var failed = await new JobsClient(second.CreateClient()).WaitForStatusAsync(id, "failed", TimeSpan.FromSeconds(30));

        Assert.Equal(1, (int)failed["attempts"]!);
        Assert.Contains("started 1 times", (string?)failed["error"]!["message"]);
        Assert.DoesNotContain(id, await RanOnAsync(fast));
    }
}
