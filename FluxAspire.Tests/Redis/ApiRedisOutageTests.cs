using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Redis;

/// <summary>
/// Redis down, back, stopped under a running API, and hung: the API starts and stays ready on its local ComfyUI,
/// /ready lists the trouble under "degraded", and the client reconnects by itself. Real processes throughout.
/// </summary>
public sealed partial class ApiRedisOutageTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Api_starts_while_Redis_is_down_reconnects_when_it_comes_and_keeps_serving_when_it_goes()
    {
        await using var sim = await SimulatorProcess.StartAsync("--step-ms", "5");
        await using var redis = await RedisServerProcess.StartAsync();
        await redis.StopAsync();

        var clock = Stopwatch.StartNew();
        await using var api = await ApiProcess.StartAsync(sim.BaseAddress, new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = redis.ConnectionString,
            ["Redis__CheckInterval"] = "00:00:00.500",
        });
        // Ready means warm: the start did not wait on Redis (a down Redis costs at most its 2 s connect timeout, off the start path).
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        using var http = api.CreateClient();

        var down = await WaitForDegradedAsync(http, d => d.Count == 1 && ((string?)d[0])!.StartsWith("Redis unreachable", StringComparison.Ordinal));
        Assert.Matches(UnreachableReason(redis.Port), (string?)down[0]);

        await redis.StartAgainAsync();
        await WaitForDegradedAsync(http, d => d.Count == 0);

        await redis.StopAsync();
        down = await WaitForDegradedAsync(http, d => d.Count == 1);
        Assert.Matches(UnreachableReason(redis.Port), (string?)down[0]);

        using var prompt = await http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1, seed: 5) });
        Assert.True(prompt.StatusCode == HttpStatusCode.OK, $"{(int)prompt.StatusCode}: {await prompt.Content.ReadAsStringAsync()}\n{api.Log}");
        Assert.False(api.HasExited);

        Assert.Contains("Redis available again at " + redis.ConnectionString, api.Log);
        Assert.Matches(@"warn: FluxAspire\.Api\.Operations\.Redis\.RedisAvailability\[\d+\]\s+Redis unreachable at 127\.0\.0\.1:" + redis.Port, api.Log);
        Assert.DoesNotContain("No Redis configured", api.Log);
    }

    [Fact]
    public async Task A_hung_Redis_is_reported_slow_and_sync_requests_still_succeed()
    {
        await using var sim = await SimulatorProcess.StartAsync("--step-ms", "5");
        await using var redis = await RedisServerProcess.StartAsync();
        await using var api = await ApiProcess.StartAsync(sim.BaseAddress, new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = redis.ConnectionString,
            ["Redis__CheckInterval"] = "00:00:00.500",
            ["Redis__Timeout"] = "00:00:01",
        });
        using var http = api.CreateClient();
        await WaitForDegradedAsync(http, d => d.Count == 0);

        redis.Freeze();
        var slow = await WaitForDegradedAsync(http, d => d.Count == 1);
        Assert.Equal("Redis slow: PING got no answer within 1000 ms", (string?)slow[0]);

        using var prompt = await http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1, seed: 6) });
        Assert.Equal(HttpStatusCode.OK, prompt.StatusCode);

        redis.Resume();
        await WaitForDegradedAsync(http, d => d.Count == 0);
    }

    [Fact]
    public async Task Without_Redis_the_API_says_once_that_it_is_a_single_node_and_is_not_degraded()
    {
        await using var sim = await SimulatorProcess.StartAsync("--step-ms", "5");
        await using var api = await ApiProcess.StartAsync(sim.BaseAddress);
        using var http = api.CreateClient();

        using var ready = await http.GetAsync("/ready");
        Assert.Equal("""{"status":"ready","reasons":[],"degraded":[]}""", await ready.Content.ReadAsStringAsync());
        const string warning =
            "No Redis configured (ConnectionStrings:cache): jobs and the result cache live in this process only; run a single replica.";
        Assert.Single(Regex.Matches(api.Log, Regex.Escape(warning)));
        Assert.Matches(@"warn: FluxAspire\.Api\.Operations\.Redis\.RedisAvailabilityMonitor\[\d+\]\s+" + Regex.Escape(warning), api.Log);
    }

    /// <summary>Polls /ready (always 200 here: Redis trouble never makes it 503) until its degraded list matches.</summary>
    private static async Task<JsonArray> WaitForDegradedAsync(HttpClient http, Func<JsonArray, bool> wanted)
    {
        var last = "";
        JsonArray degraded = [];
        var reached = await Eventually.TryUntilAsync(async () =>
        {
            using var response = await http.GetAsync("/ready");
            last = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/ready {(int)response.StatusCode}: {last}");
            degraded = JsonNode.Parse(last)!["degraded"]!.AsArray();
            return wanted(degraded);
        }, Settle, TimeSpan.FromMilliseconds(100));
        Assert.True(reached, $"/ready's degraded list did not reach the expected state within {Settle}: {last}");
        return degraded;
    }

    private static Regex UnreachableReason(int port) =>
        new($@"^Redis unreachable at 127\.0\.0\.1:{port} since \d\d:\d\d:\d\d UTC \(reconnecting\)$");
}
