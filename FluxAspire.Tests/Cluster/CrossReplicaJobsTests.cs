using System.Net;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Infrastructure;
using FluxAspire.Tests.JobsApi;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Cluster;

/// <summary>Two replicas share one Redis; replica B's ComfyUI is busy elsewhere, so jobs sent to A run on A and B only answers.</summary>
public sealed class CrossReplicaJobsTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;
    private SimulatorProcess _simA = null!;
    private SimulatorProcess _simB = null!;
    private ApiProcess _apiA = null!;
    private ApiProcess _apiB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        (_simA, _simB) = (await SimulatorProcess.StartAsync("--step-ms", "100"), await SimulatorProcess.StartAsync("--step-ms", "100"));
        // Every step written (no coalescing): the resume test follows each progress event across a reconnect.
        var everyStep = new Dictionary<string, string> { ["Jobs__ProgressInterval"] = "00:00:00" };
        _apiA = await StartReplicaAsync(_simA, _redis, everyStep);
        _apiB = await StartReplicaAsync(_simB, _redis, everyStep);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new IAsyncDisposable[] { _apiA, _apiB, _simA, _simB, _redis })
        {
            if (process is not null) await process.DisposeAsync();
        }
    }

    [Fact]
    public async Task Events_of_a_job_stream_from_any_replica_and_resume_after_Last_Event_ID()
    {
        var onA = new JobsClient(_apiA.CreateClient());
        var onB = new JobsClient(_apiB.CreateClient(TimeSpan.FromMinutes(2)));
        var id = (string)(await onA.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 12) })).Body["id"]!;

        var seen = new List<SseFrame>();
        using (var first = await onB.OpenEventsAsync(id))
        using (var reader = new SseReader(await first.Content.ReadAsStreamAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            while (await reader.NextEventAsync() is { } frame)
            {
                seen.Add(frame);
                if (seen.Count(f => f.Event == "progress") == 4) break; // disconnect mid-job
            }
        }

        using var second = await onB.OpenEventsAsync(id, lastEventId: seen[^1].Id);
        using var resumed = new SseReader(await second.Content.ReadAsStreamAsync());
        while (await resumed.NextEventAsync() is { } frame)
        {
            if (frame.Event != "snapshot") seen.Add(frame);
        }

        Assert.Equal("snapshot", seen[0].Event);
        var events = seen.Skip(1).ToList();
        Assert.Equal(events.Select(e => e.Id).Distinct(), events.Select(e => e.Id)); // no duplicates
        Assert.Equal(Enumerable.Range(1, 12), events.Where(e => e.Event == "progress").Select(e => (int)JsonNode.Parse(e.Data!)!["value"]!));
        Assert.Equal("succeeded", events[^1].Event);
        Assert.True((await RanOnAsync(_simA)).Contains(id) ^ (await RanOnAsync(_simB)).Contains(id)); // ran once, on one replica
    }

    [Fact]
    public async Task A_cancel_sent_to_another_replica_stops_the_job_in_the_ComfyUI_that_runs_it()
    {
        var onA = new JobsClient(_apiA.CreateClient());
        var onB = new JobsClient(_apiB.CreateClient());
        var id = (string)(await onA.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 200) })).Body["id"]!;
        var running = await onA.WaitForStatusAsync(id, "running", TimeSpan.FromSeconds(30));
        var comfyui = await IsRunningOnAsync(_simA, id) ? _simA : _simB;
        var other = new JobsClient(comfyui == _simA ? _apiB.CreateClient() : _apiA.CreateClient());

        var canceled = await other.CancelAsync(id);

        Assert.Equal(HttpStatusCode.OK, canceled.Status);
        Assert.Equal("canceled", (string?)canceled.Body["status"]);
        await Eventually.UntilAsync(async () => !await IsRunningOnAsync(comfyui, id), TimeSpan.FromSeconds(10),
            () => $"the job to stop in its ComfyUI; logs:\n{_apiA.Log}\n---\n{_apiB.Log}");
        Assert.Equal("canceled", (string?)(await onB.GetAsync(id)).Body["status"]);
        Assert.Equal((await other.CancelAsync(id)).Body["status"]!.ToJsonString(), canceled.Body["status"]!.ToJsonString()); // idempotent
        Assert.Equal(1, (int)running["attempts"]!);
    }

    [Fact]
    public async Task An_Idempotency_Key_retried_on_another_replica_returns_the_same_job()
    {
        var key = $"retry-{Guid.NewGuid():N}";
        var body = new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 2, seed: 99) };
        var first = await new JobsClient(_apiA.CreateClient()).SubmitAsync(body, key);
        var retry = await new JobsClient(_apiB.CreateClient()).SubmitAsync(body, key);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal((string?)first.Body["id"], (string?)retry.Body["id"]);
        var changed = await new JobsClient(_apiB.CreateClient()).SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 3, seed: 99) }, key);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.Status);
    }
}
