using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.JobsApi;

namespace FluxAspire.Tests.Telemetry;

/// <summary>The result cache's metrics as an OTLP receiver gets them: lookups by outcome, and the bytes stored and served.</summary>
public sealed class CacheMetricsTests
{
    [Fact]
    public async Task A_miss_then_hits_count_as_lookups_the_png_bytes_as_stored_and_served_and_a_jobs_hit_as_an_ended_job()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var simulator = await SimulatorProcess.StartAsync();
        var environment = new Dictionary<string, string>(otlp.ExporterEnvironment) { ["Cache__Enabled"] = "true" };
        await using var api = await ApiProcess.StartAsync(simulator.BaseAddress, environment);
        using var http = api.CreateClient();

        var first = await GenerateAsync(http, "cache-bytes-miss");
        // The result is stored after the answer went out: the hit is asked for once the exported counter says it is in.
        await otlp.WaitForPointsAsync(all => Latest(all, "fluxaspire.cache.bytes", "direction", "stored") > 0, TimeSpan.FromSeconds(20),
            "the miss's result stored in the cache");
        var pngBytes = await GenerateAsync(http, "cache-bytes-hit");
        Assert.Equal(first, pngBytes);

        var points = await otlp.WaitForPointsAsync(all => Latest(all, "fluxaspire.cache.bytes", "direction", "served") > 0
            && Latest(all, "fluxaspire.cache.requests", "outcome", "hit") > 0, TimeSpan.FromSeconds(30), "the cache's byte and lookup counters");
        Assert.Equal(pngBytes, Latest(points, "fluxaspire.cache.bytes", "direction", "stored"));
        Assert.Equal(pngBytes, Latest(points, "fluxaspire.cache.bytes", "direction", "served"));
        Assert.Equal("By", points.Last(p => p.Metric == "fluxaspire.cache.bytes").Unit);
        Assert.Equal(1, Latest(points, "fluxaspire.cache.requests", "outcome", "miss"));
        Assert.Equal(1, Latest(points, "fluxaspire.cache.requests", "outcome", "hit"));
        // A synchronous hit is no job; the same input through POST /jobs is one, born succeeded (never reaching a worker),
        // and it counts as ended like the miss that ran.
        var jobs = new JobsClient(api.CreateClient());
        var hit = await jobs.SubmitAsync(new JsonObject { ["workflow"] = "text2img", ["input"] = Input() });
        Assert.Equal("succeeded", (string?)hit.Body["status"]);
        points = await otlp.WaitForPointsAsync(all => EndedText2Img(all) >= 2, TimeSpan.FromSeconds(30), "two ended text2img jobs");
        Assert.Equal(2, EndedText2Img(points));
        Assert.Equal(2, Latest(points, "fluxaspire.cache.requests", "outcome", "hit"));
    }

    [Fact]
    public async Task A_job_canceled_while_queued_counts_as_an_ended_canceled_job()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var simulator = await SimulatorProcess.StartAsync("--step-ms", "100");
        var environment = new Dictionary<string, string>(otlp.ExporterEnvironment) { ["Jobs__Prefetch"] = "1" };
        await using var api = await ApiProcess.StartAsync(simulator.BaseAddress, environment);
        var jobs = new JobsClient(api.CreateClient());
        JsonObject Body(string id) => new()
        {
            ["id"] = id,
            ["workflow"] = "text2img",
            ["input"] = new JsonObject { ["prompt"] = "queued cancel", ["width"] = 256, ["height"] = 256, ["steps"] = 30 },
        };

        Assert.Equal(HttpStatusCode.Accepted, (await jobs.SubmitAsync(Body("cancel-metric-running"))).Status);
        await jobs.WaitForStatusAsync("cancel-metric-running", "running");
        Assert.Equal(HttpStatusCode.Accepted, (await jobs.SubmitAsync(Body("cancel-metric-queued"))).Status);
        Assert.Equal("queued", (string?)(await jobs.GetAsync("cancel-metric-queued")).Body["status"]);
        await jobs.CancelAsync("cancel-metric-queued");
        await jobs.WaitForStatusAsync("cancel-metric-queued", "canceled");

        var points = await otlp.WaitForPointsAsync(all => all.Any(p => p.Metric == "fluxaspire.jobs.ended" && (string?)p["fluxaspire.job.outcome"] == "canceled"),
            TimeSpan.FromSeconds(30), "the canceled job's end");
        var canceled = points.Last(p => p.Metric == "fluxaspire.jobs.ended" && (string?)p["fluxaspire.job.outcome"] == "canceled");
        Assert.Equal(1, canceled.Value);
        Assert.Equal("text2img", canceled["fluxaspire.workflow"]);
        Assert.Equal("Cancelled", canceled["error.type"]);
    }

    /// <summary>One request of the same cacheable graph (an explicit seed); the size of its PNG.</summary>
    private static async Task<long> GenerateAsync(HttpClient http, string id)
    {
        using var response = await http.PostAsJsonAsync("/workflow/text2img", new JsonObject
        {
            ["id"] = id,
            ["input"] = Input(),
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return Convert.FromBase64String((string)body["images"]![0]!).Length;
    }

    private static JsonObject Input() => new() { ["prompt"] = "cache bytes", ["width"] = 256, ["height"] = 256, ["steps"] = 2, ["seed"] = 77 };

    private static double EndedText2Img(IReadOnlyList<ReceivedPoint> points) =>
        points.LastOrDefault(p => p.Metric == "fluxaspire.jobs.ended" && (string?)p["fluxaspire.workflow"] == "text2img"
            && (string?)p["fluxaspire.job.outcome"] == "succeeded")?.Value ?? 0;

    /// <summary>The latest exported value of a cumulative counter's series (0 before it was exported).</summary>
    private static double Latest(IReadOnlyList<ReceivedPoint> points, string metric, string tag, string value) =>
        points.LastOrDefault(p => p.Metric == metric && (string?)p[tag] == value)?.Value ?? 0;
}
