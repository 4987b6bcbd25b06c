using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.JobsApi;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Cluster;

/// <summary>With Redis, sampler steps faster than Jobs:ProgressInterval are written at most once per interval: the
/// latest value wins and the last one before the end is always there. A real process and a real Redis.</summary>
public sealed class ProgressCoalescingTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;
    private SimulatorProcess _sim = null!;
    private ApiProcess _api = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServerProcess.StartAsync();
        _sim = await SimulatorProcess.StartAsync("--step-ms", "5");
        _api = await StartReplicaAsync(_sim, _redis, new Dictionary<string, string> { ["Jobs__ProgressInterval"] = "00:00:00.100" });
    }

    public async Task DisposeAsync()
    {
        foreach (var process in new IAsyncDisposable[] { _api, _sim, _redis })
        {
            if (process is not null) await process.DisposeAsync();
        }
    }

    [Fact]
    public async Task Fast_steps_are_coalesced_in_order_and_the_last_step_is_written()
    {
        var jobs = new JobsClient(_api.CreateClient(TimeSpan.FromMinutes(2)));
        const int steps = 200; // 5 ms each: about 1 s of steps, so about ten writes at one per 100 ms
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var id = (string)(await jobs.SubmitAsync(new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps) })).Body["id"]!;

        using var response = await jobs.OpenEventsAsync(id);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync());
        var frames = new List<SseFrame>();
        while (await reader.NextEventAsync() is { } frame)
        {
            frames.Add(frame);
        }

        var elapsed = clock.Elapsed;
        var values = frames.Where(f => f.Event == "progress").Select(f => (int)JsonNode.Parse(f.Data!)!["value"]!).ToList();
        Assert.Equal("succeeded", frames[^1].Event);
        Assert.Equal(steps, values[^1]);
        Assert.Equal(values.Order().Distinct(), values);
        // At most one write per 100 ms of the job's life (plus the one before the end), and far fewer than the steps.
        Assert.InRange(values.Count, 1, Math.Min(steps - 1, (int)(elapsed.TotalMilliseconds / 100) + 2));
        var job = await jobs.GetAsync(id);
        Assert.Equal(steps, (int)job.Body["progress"]!["value"]!);
    }
}
