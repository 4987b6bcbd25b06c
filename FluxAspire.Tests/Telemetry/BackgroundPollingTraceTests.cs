using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Telemetry.Otlp;

namespace FluxAspire.Tests.Telemetry;

/// <summary>
/// What an idle replica with Redis exports: its background loops (the queue's XREADGROUP / XAUTOCLAIM, Redis PINGs, the
/// /system_stats sampler polling every second, the ComfyUI watchers) start no traces, while a request's trace keeps its
/// own calls to ComfyUI. Read from a real OTLP receiver, as the dashboard or Axiom would get them.
/// </summary>
public sealed class BackgroundPollingTraceTests
{
    [Fact]
    public async Task An_idle_replica_exports_no_background_polling_traces_but_a_request_keeps_its_comfyui_calls()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync();
        await using var simulator = await SimulatorProcess.StartAsync("--step-ms", "5");
        var environment = new Dictionary<string, string>(otlp.ExporterEnvironment)
        {
            ["ConnectionStrings__cache"] = redis.ConnectionString,
            ["Telemetry__SystemStatsInterval"] = "00:00:01",
        };
        await using var api = await ApiProcess.StartAsync(simulator.BaseAddress, environment);

        // The loops have run many times once the sampler's VRAM gauge has been exported from several /system_stats reads.
        await otlp.WaitForPointsAsync(points => points.Count(p => p.Metric == "fluxaspire.comfyui.vram.total") >= 4, TimeSpan.FromSeconds(60),
            "several exports of the /system_stats sampler's gauges");

        using var http = api.CreateClient();
        using var response = await http.PostAsJsonAsync("/workflow/text2img",
            new JsonObject { ["input"] = new JsonObject { ["prompt"] = "idle polling", ["width"] = 256, ["height"] = 256, ["steps"] = 2 } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var spans = await otlp.WaitForSpansAsync(all => all.Any(s => IsTheRequest(s))
            && all.Any(s => s.Name == "output fetch"), TimeSpan.FromSeconds(30), "the request's trace");

        var request = spans.First(s => IsTheRequest(s));
        var trace = spans.Where(s => s.TraceId == request.TraceId).ToList();
        Assert.Contains(trace, s => s.Kind == Span.Types.SpanKind.Client && s.Name.StartsWith("POST", StringComparison.Ordinal)); // ComfyUI's /prompt

        // Every trace starts at a request (a server span) or a job: none at a client call of a background loop.
        var roots = spans.Where(s => s.ParentSpanId.Length == 0 || s.ParentSpanId.All(c => c == '0')).ToList();
        var polling = roots.Where(s => s.Kind == Span.Types.SpanKind.Client).Select(s => s.Name).Distinct().ToList();
        Assert.True(polling.Count == 0, "background calls were traced: " + string.Join(", ", polling));
    }

    private static bool IsTheRequest(ReceivedSpan span) => span.Kind == Span.Types.SpanKind.Server && span["url.path"] is "/workflow/text2img";
}
