using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.JobsApi;

/// <summary>POST /jobs/{id}/cancel for a job waiting in our queue (Jobs:Prefetch=1 behind a long job) and for one running
/// on ComfyUI, and outputs of unfinished jobs.</summary>
[Collection(SlowJobsCollection.Name)]
public class JobCancelTests(SlowJobsEnvironment env)
{
    private readonly JobsClient _jobs = new(env.Api.CreateClient(TimeSpan.FromMinutes(2)));

    private async Task<string> SubmitAsync(int steps) =>
        (string)(await _jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps) })).Body["id"]!;

    private async Task<JsonObject?> ComfyHistoryAsync(string id)
    {
        using var sim = env.Simulator.CreateClient();
        return JsonNode.Parse(await sim.GetStringAsync($"/history/{id}"))![id] as JsonObject;
    }

    private async Task<string> ComfyQueueAsync()
    {
        using var sim = env.Simulator.CreateClient();
        return await sim.GetStringAsync("/queue");
    }

    [Fact]
    public async Task A_queued_job_is_canceled_at_once_and_never_reaches_ComfyUI()
    {
        var blocker = await SubmitAsync(steps: 100);
        var queued = await SubmitAsync(steps: 2);
        await _jobs.WaitForStatusAsync(blocker, "running");
        using var events = await _jobs.OpenEventsAsync(queued);
        using var reader = new SseReader(await events.Content.ReadAsStreamAsync());
        Assert.Equal("snapshot", (await reader.NextEventAsync())!.Event);
        var status = await reader.NextEventAsync();
        Assert.Equal(("1", "status", "queued"), (status!.Id, status.Event, (string?)JsonNode.Parse(status.Data!)!["status"]));
        // Nothing happens while it waits: the stream stays open with keep-alive comments (every 0.5 s here).
        Assert.Equal("keep-alive", (await reader.NextAsync(TimeSpan.FromSeconds(10)))!.Comment);
        Assert.Equal("queued", (string?)(await _jobs.GetAsync(queued)).Body["status"]);
        Assert.DoesNotContain(queued, await ComfyQueueAsync());

        var canceled = await _jobs.CancelAsync(queued);

        Assert.Equal(HttpStatusCode.OK, canceled.Status);
        Assert.Equal("canceled", (string?)canceled.Body["status"]);
        Assert.Equal(0, (int)canceled.Body["attempts"]!);
        Assert.Null(canceled.Body["started_at"]);
        Assert.NotNull(canceled.Body["finished_at"]);
        Assert.Equal("""{"type":"cancelled","message":"the job was cancelled"}""", canceled.Body["error"]!.ToJsonString());
        var final = await reader.NextEventAsync();
        Assert.Equal(("2", "canceled"), (final!.Id, final.Event));
        Assert.Equal(canceled.Body.ToJsonString(), final.Data);
        Assert.Null(await reader.NextEventAsync());

        var again = await _jobs.CancelAsync(queued);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(canceled.Body.ToJsonString(), again.Body.ToJsonString());

        await _jobs.CancelAsync(blocker);
        await _jobs.WaitAsync(blocker, job => (string?)job["status"] == "canceled");
        // A job submitted after it runs to its end: a worker that wrongly took the canceled one would have taken it first.
        // Its own seed, so no cached result lets it skip ComfyUI.
        var later = (string)(await _jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 2, seed: (ulong)Random.Shared.NextInt64(1, long.MaxValue)) })).Body["id"]!;
        await _jobs.WaitForStatusAsync(later, "succeeded");
        Assert.NotNull(await ComfyHistoryAsync(later));
        Assert.Null(await ComfyHistoryAsync(queued));
        Assert.DoesNotContain(queued, await ComfyQueueAsync());
        Assert.Equal(0, (int)(await _jobs.GetAsync(queued)).Body["attempts"]!);
    }

    [Fact]
    public async Task A_running_job_is_interrupted_on_ComfyUI_and_ends_canceled()
    {
        var id = await SubmitAsync(steps: 200);
        await _jobs.WaitAsync(id, job => (int?)job["progress"]?["value"] >= 2);

        using (var early = await _jobs.Http.GetAsync($"/jobs/{id}/outputs/0"))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
            var problem = JsonNode.Parse(await early.Content.ReadAsStringAsync())!;
            Assert.Equal(409, (int)problem["status"]!);
            Assert.Equal("running", (string?)problem["job_status"]);
            Assert.Equal($"Job '{id}' is running; its outputs can be read once it has succeeded.", (string?)problem["detail"]);
        }

        var canceled = await _jobs.CancelAsync(id);

        Assert.Equal(HttpStatusCode.OK, canceled.Status);
        Assert.Equal("canceled", (string?)canceled.Body["status"]);
        Assert.Equal(1, (int)canceled.Body["attempts"]!);
        Assert.NotNull(canceled.Body["started_at"]);
        Assert.NotNull(canceled.Body["finished_at"]);
        Assert.True((int)canceled.Body["progress"]!["value"]! < 200, canceled.Body.ToJsonString());
        Assert.Equal("cancelled", (string?)canceled.Body["error"]!["type"]);
        Assert.False(canceled.Body.ContainsKey("result"));

        // ComfyUI stops at its next step and then writes the prompt's history.
        JsonObject? history = null;
        await Eventually.TryUntilAsync(async () => (history = await ComfyHistoryAsync(id)) is not null, TimeSpan.FromSeconds(5));

        Assert.NotNull(history);
        Assert.Equal("error", (string?)history!["status"]!["status_str"]);
        Assert.Contains("execution_interrupted", history["status"]!["messages"]!.ToJsonString());
        Assert.DoesNotContain(id, await ComfyQueueAsync());

        var again = await _jobs.CancelAsync(id);
        Assert.Equal(canceled.Body.ToJsonString(), again.Body.ToJsonString());
        using var late = await _jobs.Http.GetAsync($"/jobs/{id}/outputs/0");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal($"Job '{id}' is canceled; only a succeeded job has outputs.", (string?)JsonNode.Parse(await late.Content.ReadAsStringAsync())!["detail"]);
    }
}
