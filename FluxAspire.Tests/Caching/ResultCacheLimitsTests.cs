using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Caching;

/// <summary>Cache:Ttl and Cache:MaxEntryBytes, with the real processes.</summary>
public sealed class ResultCacheLimitsTests(CacheLimitsFixture env) : IClassFixture<CacheLimitsFixture>
{
    private readonly HttpClient _http = env.Api.CreateClient();
    private readonly HttpClient _sim = env.Simulator.CreateClient();

    private static JsonObject Prompt(string id, ulong seed, int size) =>
        new() { ["id"] = id, ["prompt"] = TestGraphs.Flux(width: size, height: size, seed: seed) };

    [Fact]
    public async Task An_entry_is_served_until_its_ttl_passes()
    {
        var first = await _http.PostAsync("/prompt", Prompt("ttl-1", seed: 7007, size: 256));
        var hit = await _http.PostAsync("/prompt", Prompt("ttl-2", seed: 7007, size: 256));
        await Task.Delay(TimeSpan.FromSeconds(3.5)); // the 3 s TTL passing is the scenario, in a separate process's real clock
        var expired = await _http.PostAsync("/prompt", Prompt("ttl-3", seed: 7007, size: 256));

        Assert.Equal(("miss", "hit", "miss"), (first.XCache, hit.XCache, expired.XCache));
        Assert.True(await _sim.RanAsync("ttl-3"));
    }

    [Fact]
    public async Task A_result_over_max_entry_bytes_is_not_stored()
    {
        var big = await _http.PostAsync("/prompt", Prompt("big-1", seed: 8008, size: 1024));
        var bigAgain = await _http.PostAsync("/prompt", Prompt("big-2", seed: 8008, size: 1024));

        Assert.InRange(Convert.FromBase64String(big.Images[0]).Length, 20_001, int.MaxValue);
        Assert.Equal((HttpStatusCode.OK, "miss", HttpStatusCode.OK, "miss"), (big.Status, big.XCache, bigAgain.Status, bigAgain.XCache));
        Assert.True(await _sim.RanAsync("big-2"));

        var small = await _http.PostAsync("/prompt", Prompt("small-1", seed: 8008, size: 256));
        var smallAgain = await _http.PostAsync("/prompt", Prompt("small-2", seed: 8008, size: 256));
        Assert.InRange(Convert.FromBase64String(small.Images[0]).Length, 1, 20_000);
        Assert.Equal(("miss", "hit"), (small.XCache, smallAgain.XCache));
    }
}
