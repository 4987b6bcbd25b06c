using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Redis;

/// <summary>
/// Issue 13: synchronous requests already waiting when Redis dies (SIGKILL, not restarted) do not wait for the outage to
/// end: a job running on this replica is answered from its worker, one that never started here gets a 503 after
/// Jobs:StoreOutageWait, and new requests run from memory meanwhile. Real API, simulator and redis-server processes.
/// </summary>
public sealed class RedisLossWaiterTests
{
    [Fact]
    public async Task Waiters_that_lose_Redis_get_their_local_result_or_a_503_within_seconds()
    {
        await using var sim = await SimulatorProcess.StartAsync("--step-ms", "100");
        await using var redis = await RedisServerProcess.StartAsync();
        await using var api = await ApiProcess.StartAsync(sim.BaseAddress, new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = redis.ConnectionString,
            ["Redis__CheckInterval"] = "00:00:00.500",
            ["Jobs__Prefetch"] = "1",
            ["Jobs__StoreOutageWait"] = "00:00:02",
        });
        using var http = api.CreateClient(TimeSpan.FromSeconds(40));
        using var comfy = sim.CreateClient();
        await Eventually.UntilAsync(async () => (await http.GetStringAsync("/ready")).Contains("\"degraded\":[]", StringComparison.Ordinal),
            TimeSpan.FromSeconds(15), "Redis to be available");

        // "runs-here" takes the only slot (about 3 s of steps); "waits-in-redis" stays in Redis's queue behind it.
        var runsHere = http.PostAsJsonAsync("/prompt", new JsonObject { ["id"] = "runs-here", ["prompt"] = TestGraphs.Flux(256, 256, 30, seed: 31) });
        await Eventually.UntilAsync(async () => (await comfy.GetStringAsync("/queue")).Contains("runs-here", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "runs-here to reach ComfyUI");
        var waitsInRedis = http.PostAsJsonAsync("/prompt", new JsonObject { ["id"] = "waits-in-redis", ["prompt"] = TestGraphs.Flux(256, 256, 2, seed: 32) });
        await Eventually.UntilAsync(async () =>
        {
            using var status = await http.GetAsync("/jobs/waits-in-redis");
            return status.IsSuccessStatusCode && (await status.Content.ReadAsStringAsync()).Contains("\"queued\"", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10), "waits-in-redis to be queued in Redis");

        redis.Kill();
        var sinceKill = Stopwatch.StartNew();

        using var ran = await runsHere;
        var ranAfter = sinceKill.Elapsed;
        var ranBody = await ran.Content.ReadAsStringAsync();
        Assert.True(ran.StatusCode == HttpStatusCode.OK, $"{(int)ran.StatusCode}: {ranBody}\n{api.Log}");
        Assert.Single(JsonNode.Parse(ranBody)!["images"]!.AsArray());
        Assert.True(ranAfter < TimeSpan.FromSeconds(10), $"the job that ran here answered {ranAfter.TotalSeconds:F1} s after Redis died");

        using var lost = await waitsInRedis;
        var lostAfter = sinceKill.Elapsed;
        var lostBody = JsonNode.Parse(await lost.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        Assert.Equal("application/problem+json", lost.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The job store is unavailable", (string?)lostBody["title"]);
        Assert.Equal("waits-in-redis", (string?)lostBody["id"]);
        Assert.True(lostAfter < TimeSpan.FromSeconds(10), $"the job queued in Redis answered {lostAfter.TotalSeconds:F1} s after Redis died");

        // New requests are served from memory meanwhile, on the only slot: the job whose end still waits for Redis gave it back.
        using var fresh = await http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1, seed: 33) });
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.DoesNotContain("An unhandled exception has occurred", api.Log, StringComparison.Ordinal);
    }
}
