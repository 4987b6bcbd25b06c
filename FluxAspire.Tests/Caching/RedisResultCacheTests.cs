using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Prompts;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Caching;

/// <summary>The result cache on a real Redis shared by two real API replicas.</summary>
public sealed class RedisResultCacheTests(RedisCacheFixture env) : IClassFixture<RedisCacheFixture>
{
    private readonly HttpClient _a = env.ReplicaA.CreateClient();
    private readonly HttpClient _b = env.ReplicaB.CreateClient();
    private readonly HttpClient _simB = env.SimulatorB.CreateClient();

    private static JsonObject Prompt(string id, ulong seed) => new() { ["id"] = id, ["prompt"] = TestGraphs.Flux(width: 256, height: 256, seed: seed) };

    /// <summary>The Redis key the API uses for <see cref="Prompt"/>, computed the same way.</summary>
    private static string RedisKey(ulong seed)
    {
        var job = new JobRequest("any", PromptGraph.WithIdPrefix(TestGraphs.Flux(width: 256, height: 256, seed: seed), "any"), DateTimeOffset.UtcNow, TimeSpan.Zero);
        return RedisResultCacheStore.KeyPrefix + CacheKey.For(job);
    }

    [Fact]
    public async Task A_result_computed_by_one_replica_is_served_by_the_other_from_redis_as_binary()
    {
        var first = await _a.PostAsync("/prompt", Prompt("redis-a-1", seed: 9009));
        var runsOnB = await _simB.HistoryCountAsync();

        var second = await _b.PostAsync("/prompt", Prompt("redis-b-1", seed: 9009));

        Assert.Equal((HttpStatusCode.OK, "miss"), (first.Status, first.XCache));
        Assert.Equal((HttpStatusCode.OK, "hit"), (second.Status, second.XCache));
        Assert.Equal(first.Images, second.Images);
        Assert.Equal(["redis-b-1_ComfyUI_00001_.png"], second.Filenames);
        Assert.Equal(runsOnB, await _simB.HistoryCountAsync());
        Assert.False(await _simB.RanAsync("redis-b-1"));
        JsonShape.AssertSameShape(first.Body, second.Body);

        // One hash with the meta field, and the PNG's raw bytes (base64 would be a third longer) in one key of the entry,
        // both with the TTL (1 h default).
        var key = RedisKey(9009);
        var png = Convert.FromBase64String(first.Images[0]);
        Assert.Equal("+hash", await env.Redis.CommandAsync("TYPE", key));
        Assert.Equal(":1", await env.Redis.CommandAsync("HLEN", key));
        var file = CachedResultFormat.FileKey(key, 0);
        Assert.Equal($":{png.Length}", await env.Redis.CommandAsync("STRLEN", file));
        Assert.InRange(int.Parse((await env.Redis.CommandAsync("TTL", key))[1..]), 3300, 3600);
        Assert.InRange(int.Parse((await env.Redis.CommandAsync("TTL", file))[1..]), 3300, 3600);

        // The job wrote its own copy only if it ran on the replica its waiter was not on (B's ComfyUI): A's waiter got the
        // bytes from memory otherwise, and the cache wrote them once.
        var ranOnB = await _simB.RanAsync("redis-a-1");
        Assert.Equal(ranOnB ? ":1" : ":0", await env.Redis.CommandAsync("EXISTS", "fluxaspire:job:redis-a-1:out:0"));
    }

    [Fact]
    public async Task Without_redis_requests_still_succeed_as_misses_and_the_cache_comes_back_with_it()
    {
        // Own Redis and replica: this test stops and freezes Redis.
        await using var redis = await RedisServerProcess.StartAsync();
        await using var api = await ApiProcess.StartAsync(env.SimulatorA.BaseAddress, new Dictionary<string, string>
        {
            ["ConnectionStrings__cache"] = redis.ConnectionString,
            ["Cache__Enabled"] = "true",
            ["Warmup__Enabled"] = "false",
            ["Redis__CheckInterval"] = "00:00:00.500",
        });
        using var http = api.CreateClient();
        Assert.Equal("miss", (await http.PostAsync("/prompt", Prompt("down-0", seed: 9100))).XCache);
        Assert.Equal("hit", (await http.PostAsync("/prompt", Prompt("down-1", seed: 9100))).XCache);

        await redis.StopAsync();
        var clock = Stopwatch.StartNew();
        var stopped = await http.PostAsync("/prompt", Prompt("down-2", seed: 9100));
        var stoppedAgain = await http.PostAsync("/prompt", Prompt("down-3", seed: 9100));
        Assert.Equal((HttpStatusCode.OK, "miss", HttpStatusCode.OK, "miss"), (stopped.Status, stopped.XCache, stoppedAgain.Status, stoppedAgain.XCache));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(15));

        await redis.StartAgainAsync();
        await WaitForHitAsync(http, seed: 9100, TimeSpan.FromSeconds(20));

        redis.Freeze();
        try
        {
            clock.Restart();
            var frozen = await http.PostAsync("/prompt", Prompt("frozen-1", seed: 9101));
            Assert.Equal((HttpStatusCode.OK, "miss"), (frozen.Status, frozen.XCache));
            // Lookup and write each give up after Cache:Timeout (500 ms), not the client's 2 s or never.
            Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        }
        finally
        {
            redis.Resume();
        }

        Assert.False(api.HasExited);
        // One warning per outage (stopped, frozen), not one per failed lookup or write.
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(api.Log, @"Result cache \(redis\) unavailable").Count);
        Assert.DoesNotContain("fail: ", api.Log);
    }

    /// <summary>The same prompt until it is a hit: after a restart the first success stores again.</summary>
    private static async Task WaitForHitAsync(HttpClient http, ulong seed, TimeSpan timeout)
    {
        var attempt = 0;
        CacheAnswer? last = null;
        var hit = await Eventually.TryUntilAsync(async () =>
        {
            last = await http.PostAsync("/prompt", Prompt($"back-{attempt++}", seed));
            Assert.Equal(HttpStatusCode.OK, last.Status);
            return last.XCache == "hit";
        }, timeout, TimeSpan.FromMilliseconds(250));

        Assert.True(hit, $"no hit within {timeout} after Redis came back; last: {last}");
    }
}
