using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.JobsApi;

/// <summary>
/// queue_position in memory: with one ComfyUI slot (Jobs:Prefetch=1) and 50 ms steps, a job queued behind a running
/// one and another queued one reports place 2, then 1 once the one ahead starts, then runs; GET /jobs/{id} and the
/// events stream ("snapshot", then "queue" events) both say so.
/// </summary>
[Collection(SlowJobsCollection.Name)]
public sealed class JobQueuePositionTests(SlowJobsEnvironment env)
{
    private readonly JobsClient _jobs = new(env.Api.CreateClient(TimeSpan.FromMinutes(2)));

    private async Task<string> SubmitAsync(int steps, ulong seed) =>
        (string)(await _jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps, seed: seed) })).Body["id"]!;

    [Fact]
    public async Task A_job_behind_two_others_reports_place_2_then_1_then_runs_in_the_job_and_in_its_events()
    {
        var running = await SubmitAsync(steps: 40, seed: 1); // ~2 s
        await _jobs.WaitForStatusAsync(running, "running");
        var next = await SubmitAsync(steps: 40, seed: 2);
        var last = await SubmitAsync(steps: 4, seed: 3);

        var queued = (await _jobs.GetAsync(last)).Body;
        Assert.Equal(("queued", 2), ((string?)queued["status"], (int?)queued["queue_position"]));
        Assert.Equal(1, (int?)(await _jobs.GetAsync(next)).Body["queue_position"]);
        Assert.False((await _jobs.GetAsync(running)).Body.ContainsKey("queue_position")); // only while queued

        using var response = await _jobs.OpenEventsAsync(last);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var snapshot = (await reader.NextEventAsync())!;
        Assert.Equal("snapshot", snapshot.Event);
        Assert.Equal(2, (int?)JsonNode.Parse(snapshot.Data!)!["queue_position"]);

        // The place moves when the job ahead starts: a "queue" event, with the id of the event before it (where a
        // reconnect resumes), and GET /jobs/{id} says the same.
        var replayed = (await reader.NextEventAsync())!;
        Assert.Equal(("1", "status", "queued"), (replayed.Id, replayed.Event, (string?)JsonNode.Parse(replayed.Data!)!["status"]));
        var moved = (await reader.NextEventAsync(TimeSpan.FromSeconds(30)))!;
        Assert.Equal(("1", "queue", """{"status":"queued","queue_position":1}"""), (moved.Id, moved.Event, moved.Data));
        Assert.Equal("running", (string?)(await _jobs.GetAsync(next)).Body["status"]);
        var now = (await _jobs.GetAsync(last)).Body;
        Assert.Equal(("queued", 1), ((string?)now["status"], (int?)now["queue_position"]));

        var rest = new List<SseFrame>();
        while (await reader.NextEventAsync() is { } frame)
        {
            rest.Add(frame);
        }

        Assert.Equal(["status", .. Enumerable.Repeat("progress", 4), "succeeded"], rest.Select(f => f.Event));
        Assert.Equal("running", (string?)JsonNode.Parse(rest[0].Data!)!["status"]);
        Assert.False(JsonNode.Parse(rest[^1].Data!)!.AsObject().ContainsKey("queue_position"));
    }
}
