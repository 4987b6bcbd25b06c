using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.JobsApi;

/// <summary>GET /jobs/{id}/events: the snapshot, statuses, one progress event per sampler step, the final event, and
/// resuming with Last-Event-ID, against a simulator that takes 50 ms per step.</summary>
[Collection(SlowJobsCollection.Name)]
public class JobEventsTests(SlowJobsEnvironment env)
{
    private readonly JobsClient _jobs = new(env.Api.CreateClient(TimeSpan.FromMinutes(2)));

    private async Task<string> SubmitAsync(int steps) =>
        (string)(await _jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps) })).Body["id"]!;

    /// <summary>Every frame until the stream ends.</summary>
    private static async Task<List<SseFrame>> ReadToEndAsync(SseReader reader)
    {
        var frames = new List<SseFrame>();
        while (await reader.NextEventAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    [Fact]
    public async Task The_stream_has_a_snapshot_the_statuses_twenty_steps_in_order_and_ends_with_succeeded()
    {
        var id = await SubmitAsync(steps: 20);
        using var response = await _jobs.OpenEventsAsync(id);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString());
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var frames = await ReadToEndAsync(reader);

        var snapshot = frames[0];
        Assert.Equal(("0", "snapshot"), (snapshot.Id, snapshot.Event));
        var snapshotBody = JsonNode.Parse(snapshot.Data!)!;
        Assert.Equal(id, (string?)snapshotBody["id"]);
        Assert.Contains((string?)snapshotBody["status"], new[] { "queued", "running" });

        var events = frames.Skip(1).ToList();
        Assert.Equal(Enumerable.Range(1, 23).Select(i => i.ToString()), events.Select(e => e.Id));
        Assert.Equal(["status", "status", .. Enumerable.Repeat("progress", 20), "succeeded"], events.Select(e => e.Event));
        Assert.Equal("queued", (string?)JsonNode.Parse(events[0].Data!)!["status"]);
        var running = JsonNode.Parse(events[1].Data!)!;
        Assert.Equal(("running", 1), ((string?)running["status"], (int)running["attempt"]!));
        Assert.Equal(["status", "attempt", "at"], running.AsObject().Select(p => p.Key));
        Assert.Equal(
            Enumerable.Range(1, 20).Select(step => $$"""{"value":{{step}},"max":20,"node":"31"}"""),
            events.Where(e => e.Event == "progress").Select(e => e.Data));

        var final = JsonNode.Parse(events[^1].Data!)!;
        Assert.Equal((id, "succeeded"), ((string?)final["id"], (string?)final["status"]));
        Assert.Equal($"/jobs/{id}/outputs/0", (string?)final["result"]!["outputs"]![0]!["url"]);
        Assert.Equal((await _jobs.GetAsync(id)).Body.ToJsonString(), final.ToJsonString());
    }

    [Fact]
    public async Task A_reconnect_with_Last_Event_ID_continues_after_it_without_duplicates_or_gaps()
    {
        var id = await SubmitAsync(steps: 20);
        var seen = new List<SseFrame>();
        using (var first = await _jobs.OpenEventsAsync(id))
        using (var reader = new SseReader(await first.Content.ReadAsStreamAsync()))
        {
            Assert.Equal("snapshot", (await reader.NextEventAsync())!.Event);
            while (await reader.NextEventAsync() is { } frame)
            {
                seen.Add(frame);
                if (frame.Event == "progress" && (int)JsonNode.Parse(frame.Data!)!["value"]! == 5) break;
            }
        }

        // Disconnected at step 5; let the job go on a few steps before coming back.
        await _jobs.WaitAsync(id, job => (int?)job["progress"]?["value"] >= 9 || (string?)job["status"] == "succeeded");
        var lastId = seen[^1].Id!;
        using var second = await _jobs.OpenEventsAsync(id, lastId);
        using var resumed = new SseReader(await second.Content.ReadAsStreamAsync());
        var rest = await ReadToEndAsync(resumed);

        Assert.Equal((lastId, "snapshot"), (rest[0].Id, rest[0].Event));
        var snapshotProgress = (int)JsonNode.Parse(rest[0].Data!)!["progress"]!["value"]!;
        Assert.True(snapshotProgress >= 9, $"snapshot at step {snapshotProgress}");
        var all = seen.Concat(rest.Skip(1)).ToList();
        Assert.Equal(Enumerable.Range(1, 23).Select(i => i.ToString()), all.Select(e => e.Id));
        Assert.Equal(Enumerable.Range(1, 20), all.Where(e => e.Event == "progress").Select(e => (int)JsonNode.Parse(e.Data!)!["value"]!));
        Assert.Equal("succeeded", all[^1].Event);

        // After the final event there is nothing to resume: 204 tells an EventSource to stop reconnecting.
        using var afterEnd = await _jobs.OpenEventsAsync(id, all[^1].Id);
        Assert.Equal(HttpStatusCode.NoContent, afterEnd.StatusCode);
    }

    [Fact]
    public async Task A_finished_job_replays_its_whole_history_and_ends()
    {
        var id = await SubmitAsync(steps: 2);
        await _jobs.WaitForStatusAsync(id, "succeeded");

        using var response = await _jobs.OpenEventsAsync(id);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var frames = await ReadToEndAsync(reader);

        Assert.Equal(["snapshot", "status", "status", "progress", "progress", "succeeded"], frames.Select(f => f.Event));
        Assert.Equal("succeeded", (string?)JsonNode.Parse(frames[0].Data!)!["status"]);
    }
}
