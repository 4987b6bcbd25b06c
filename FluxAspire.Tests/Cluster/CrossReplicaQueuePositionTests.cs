using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.JobsApi;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Cluster;

/// <summary>
/// queue_position with Redis: two replicas, one ComfyUI slot each (Jobs:Prefetch=1), 50 ms steps. With both slots busy, a
/// job queued behind another in the shared work stream is at place 2 as either replica counts it, at 1 once a replica
/// takes the one ahead, and then runs; the events stream followed on the replica it was not submitted to says so too.
/// </summary>
public sealed class CrossReplicaQueuePositionTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;
    private SimulatorProcess _simA = null!;
    private SimulatorProcess _simB = null!;
    private ApiProcess _apiA = null!;
    private ApiProcess _apiB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        (_simA, _simB) = (await SimulatorProcess.StartAsync("--step-ms", "50"), await SimulatorProcess.StartAsync("--step-ms", "50"));
        var oneSlot = new Dictionary<string, string> { ["Jobs__Prefetch"] = "1", ["Jobs__Timeout"] = "00:01:00" };
        _apiA = await StartReplicaAsync(_simA, _redis, oneSlot);
        _apiB = await StartReplicaAsync(_simB, _redis, oneSlot);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new IAsyncDisposable[] { _apiA, _apiB, _simA, _simB, _redis })
        {
            if (process is not null) await process.DisposeAsync();
        }
    }

    private static async Task<string> SubmitAsync(JobsClient jobs, int steps, ulong seed)
    {
        var answer = await jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps, seed: seed) });
        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
        return (string)answer.Body["id"]!;
    }

    [Fact]
    public async Task A_job_behind_another_in_the_shared_queue_reports_place_2_then_1_then_runs_on_both_replicas()
    {
        var onA = new JobsClient(_apiA.CreateClient(TimeSpan.FromMinutes(2)));
        var onB = new JobsClient(_apiB.CreateClient(TimeSpan.FromMinutes(2)));
        // Both slots busy: one job for ~2 s, one for ~5 s, so the replica that ran the short one takes the next.
        var shortRun = await SubmitAsync(onA, steps: 40, seed: 1);
        var longRun = await SubmitAsync(onA, steps: 100, seed: 2);
        await onA.WaitForStatusAsync(shortRun, "running");
        await onA.WaitForStatusAsync(longRun, "running");
        var ahead = await SubmitAsync(onA, steps: 40, seed: 3);
        var last = await SubmitAsync(onA, steps: 4, seed: 4);

        foreach (var jobs in new[] { onA, onB })
        {
            var body = (await jobs.GetAsync(last)).Body;
            Assert.Equal(("queued", 2), ((string?)body["status"], (int?)body["queue_position"]));
            Assert.Equal(1, (int?)(await jobs.GetAsync(ahead)).Body["queue_position"]);
            Assert.False((await jobs.GetAsync(longRun)).Body.ContainsKey("queue_position"));
        }

        using var response = await onB.OpenEventsAsync(last);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var snapshot = (await reader.NextEventAsync())!;
        Assert.Equal(2, (int?)JsonNode.Parse(snapshot.Data!)!["queue_position"]);
        var replayed = (await reader.NextEventAsync())!;
        Assert.Equal(("status", "queued"), (replayed.Event, (string?)JsonNode.Parse(replayed.Data!)!["status"]));

        var moved = (await reader.NextEventAsync(TimeSpan.FromSeconds(30)))!;
        Assert.Equal((replayed.Id, "queue", """{"status":"queued","queue_position":1}"""), (moved.Id, moved.Event, moved.Data));
        Assert.Equal("running", (string?)(await onA.GetAsync(ahead)).Body["status"]);
        Assert.Equal(1, (int?)(await onA.GetAsync(last)).Body["queue_position"]);

        var rest = new List<SseFrame>();
        while (await reader.NextEventAsync() is { } frame)
        {
            rest.Add(frame);
        }

        Assert.Equal("running", (string?)JsonNode.Parse(rest[0].Data!)!["status"]);
        Assert.Equal("succeeded", rest[^1].Event);
        Assert.DoesNotContain(rest, f => f.Event == "queue");
    }
}
