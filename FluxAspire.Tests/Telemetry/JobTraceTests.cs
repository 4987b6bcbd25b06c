using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Api.Outbound;
using FluxAspire.Tests.Infrastructure;
using FluxAspire.Tests.Telemetry.Otlp;

namespace FluxAspire.Tests.Telemetry;

/// <summary>
/// The simulator, the real API exporting OTLP/HTTP protobuf (the standard OTEL_* variables) to a receiver inside the
/// test, and a webhook receiver; shared by the tests of the class.
/// </summary>
public sealed class TelemetryEnvironment : IAsyncLifetime
{
    public OtlpReceiver Otlp { get; private set; } = null!;
    public LocalReceiver Receiver { get; private set; } = null!;
    public SimulatorProcess Simulator { get; private set; } = null!;
    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Otlp = await OtlpReceiver.StartAsync();
        Receiver = await LocalReceiver.StartAsync();
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "25");
        var environment = new Dictionary<string, string>(Otlp.ExporterEnvironment)
        {
            ["OutboundUrls__Allow__0"] = Receiver.HostPort,
            ["Telemetry__SystemStatsInterval"] = "00:00:01",
            // Fleet identity: what Salad sets in every container (not SALAD_MACHINE_ID, which switches on Salad's metadata calls).
            ["SALAD_CONTAINER_GROUP_NAME"] = "flux-test-group",
            ["SALAD_ORGANIZATION_NAME"] = "flux-test-org",
        };
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, environment);
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        if (Receiver is not null) await Receiver.DisposeAsync();
        if (Otlp is not null) await Otlp.DisposeAsync();
    }
}

public sealed class JobTraceTests(TelemetryEnvironment env) : IClassFixture<TelemetryEnvironment>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static (string TraceId, string ParentId, string Header) ClientTraceParent()
    {
        var trace = ActivityTraceId.CreateRandom().ToHexString();
        var parent = ActivitySpanId.CreateRandom().ToHexString();
        return (trace, parent, $"00-{trace}-{parent}-01");
    }

    [Fact]
    public async Task A_FLUX_job_is_one_trace_from_the_clients_traceparent_through_the_ComfyUI_run_to_each_executed_node()
    {
        var (traceId, clientSpan, traceparent) = ClientTraceParent();
        const int steps = 4;
        var graph = TestGraphs.Flux(steps: steps, seed: 4242);
        using var http = env.Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/prompt") { Content = JsonContent.Create(new JsonObject { ["prompt"] = graph }) };
        request.Headers.Add("traceparent", traceparent);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;

        var spans = await env.Otlp.WaitForSpansAsync(all => all.Any(s => s.TraceId == traceId && s.Kind == Span.Types.SpanKind.Server)
            && all.Count(s => s.TraceId == traceId && s["fluxaspire.comfyui.node.cached"] is not null) >= graph.Count, Deadline, "server span and node spans of the job's trace");
        var trace = spans.Where(s => s.TraceId == traceId).ToList();

        // HTTP → job run → comfyui run → nodes, every link a parent id.
        var server = Assert.Single(trace, s => s.Kind == Span.Types.SpanKind.Server);
        Assert.Equal(clientSpan, server.ParentSpanId);
        Assert.Equal("/prompt", server["http.route"]);
        var job = Assert.Single(trace, s => s.Name == "job run");
        Assert.Equal(server.SpanId, job.ParentSpanId);
        Assert.Equal(id, job["fluxaspire.job.id"]);
        Assert.Equal(1L, job["fluxaspire.job.attempt"]);
        Assert.Equal("succeeded", job["fluxaspire.job.outcome"]);
        Assert.Equal("prompt", job["fluxaspire.workflow"]);
        Assert.NotNull(job["fluxaspire.replica"]);
        var wait = Assert.Single(trace, s => s.Name == "queue wait");
        Assert.Equal(server.SpanId, wait.ParentSpanId);
        Assert.True(wait.EndNanos <= job.StartNanos + 1_000_000, "the queue wait ends as the run starts");
        var submit = Assert.Single(trace, s => s.Name == "comfyui submit");
        Assert.Equal(job.SpanId, submit.ParentSpanId);
        Assert.Contains(trace, s => s.ParentSpanId == submit.SpanId && s.Kind == Span.Types.SpanKind.Client && (string?)s["http.request.method"] == "POST");
        var run = Assert.Single(trace, s => s.Name == "comfyui run");
        Assert.Equal(job.SpanId, run.ParentSpanId);
        Assert.Equal(Status.Types.StatusCode.Unset, run.Status);
        var fetch = Assert.Single(trace, s => s.Name == "output fetch");
        Assert.Equal(job.SpanId, fetch.ParentSpanId);
        Assert.Equal(1L, fetch["fluxaspire.output.count"]);
        Assert.True(run.EndNanos <= fetch.StartNanos, "outputs are fetched after the run");

        // One span per node of the graph, each a child of the run, named by its class_type; executed ones in an order
        // where every node starts after the nodes it reads from.
        var nodes = trace.Where(s => s["fluxaspire.comfyui.node.cached"] is not null).OrderBy(s => s.StartNanos).ToList();
        Assert.All(nodes, n => Assert.Equal(run.SpanId, n.ParentSpanId));
        Assert.Equal(graph.Select(n => n.Key).Order(), nodes.Select(n => (string)n[ApiTelemetryNames.NodeId]!).Order());
        foreach (var node in nodes)
        {
            var classType = (string)graph[(string)node[ApiTelemetryNames.NodeId]!]!["class_type"]!;
            Assert.Equal(classType, node.Name);
            Assert.Equal(classType, node["fluxaspire.comfyui.node.class_type"]);
            Assert.True(node.StartNanos >= run.StartNanos && node.EndNanos <= run.EndNanos, $"{node.Name} lies within the run");
        }

        var executed = nodes.Where(n => n["fluxaspire.comfyui.node.cached"] is false).ToList();
        var order = executed.Select(n => (string)n[ApiTelemetryNames.NodeId]!).ToList();
        foreach (var node in order)
        {
            foreach (var input in graph[node]!["inputs"]!.AsObject().Select(i => i.Value).OfType<JsonArray>())
            {
                var from = (string)input[0]!;
                Assert.True(!order.Contains(from) || order.IndexOf(from) < order.IndexOf(node), $"node {from} runs before {node}, which reads it");
            }
        }

        var sampler = Assert.Single(executed, n => n.Name == "KSampler"); // a new seed: never cached
        var progress = sampler.Events.Where(e => e.Name == "progress").ToList();
        Assert.Equal(Enumerable.Range(1, steps).Select(i => (long)i), progress.Select(e => (long)e.Attributes["fluxaspire.sampler.step"]!));
        Assert.All(progress, e => Assert.Equal((long)steps, e.Attributes["fluxaspire.sampler.max"]));
        Assert.True(sampler.DurationSeconds >= steps * 0.025 * 0.9, $"the sampler span lasts its {steps} steps of 25 ms ({sampler.DurationSeconds} s)");
        Assert.Equal("SaveImage", executed[^1].Name);

        // Fleet identity on the resource of every signal.
        Assert.All(trace.Where(s => s.Name != "POST"), s =>
        {
            Assert.Equal("flux-test-group", s.Resource["salad.container_group.name"]);
            Assert.Equal("flux-test-org", s.Resource["salad.organization.name"]);
            Assert.False(string.IsNullOrEmpty(s.Resource["service.instance.id"] as string));
        });
        Assert.Equal(job["fluxaspire.replica"], job.Resource["service.instance.id"]);

        // A correlated log line of the job: its trace, its id as an attribute.
        var ended = await Eventually.TryUntilAsync(() => env.Otlp.Logs.Any(l => l.TraceId == traceId && (string?)l.Attributes.GetValueOrDefault("fluxaspire.job.id") == id
            && l.Body.Contains("ended: succeeded", StringComparison.Ordinal)), Deadline, TimeSpan.FromMilliseconds(100));
        Assert.True(ended, "the job's end is logged with its trace id and job id: " + string.Join(" | ", env.Otlp.Logs.Select(l => l.Body)));
    }

    [Fact]
    public async Task Job_metrics_arrive_with_units_and_sane_values()
    {
        using var http = env.Api.CreateClient();
        using var response = await http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(steps: 3, seed: 99) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        double Latest(IReadOnlyList<ReceivedPoint> points, string metric, Func<ReceivedPoint, bool>? where = null) =>
            points.LastOrDefault(p => p.Metric == metric && (where?.Invoke(p) ?? true))?.Value ?? -1;

        var points = await env.Otlp.WaitForPointsAsync(p =>
            Latest(p, "fluxaspire.jobs.ended", x => (string?)x["fluxaspire.job.outcome"] == "succeeded") >= 1
            && Latest(p, "fluxaspire.comfyui.node.duration", x => (string?)x["fluxaspire.comfyui.node.class_type"] == "KSampler") >= 1
            && Latest(p, "fluxaspire.comfyui.vram.total") > 0, Deadline, "job, node and memory metrics");

        Assert.True(Latest(points, "fluxaspire.jobs.accepted") >= 1);
        Assert.True(Latest(points, "fluxaspire.jobs.started") >= 1);
        var duration = points.Last(p => p.Metric == "fluxaspire.job.duration" && (string?)p["fluxaspire.job.outcome"] == "succeeded");
        Assert.Equal("s", duration.Unit);
        Assert.Equal("prompt", duration["fluxaspire.workflow"]);
        Assert.True(duration.Count >= 1 && duration.Sum > 0 && duration.Sum / duration.Count < 30, $"mean job duration {duration.Sum / duration.Count} s");
        var node = points.Last(p => p.Metric == "fluxaspire.comfyui.node.duration" && (string?)p["fluxaspire.comfyui.node.class_type"] == "KSampler");
        Assert.True(node.Sum / node.Count is > 0.05 and < 10, $"mean KSampler time {node.Sum / node.Count} s for 3 steps of 25 ms");
        var speed = points.Last(p => p.Metric == "fluxaspire.comfyui.sampler.steps_per_second");
        Assert.True(speed.Sum / speed.Count is > 1 and < 200, $"{speed.Sum / speed.Count} steps/s at 25 ms a step");
        Assert.True(points.Last(p => p.Metric == "fluxaspire.job.queue_wait").Count >= 1);
        Assert.True(points.Last(p => p.Metric == "fluxaspire.job.time_to_first_step").Count >= 1);
        Assert.Equal(1, Latest(points, "fluxaspire.comfyui.up"));
        Assert.True(Latest(points, "fluxaspire.queue.depth") >= 0);
        Assert.True(Latest(points, "fluxaspire.comfyui.queue_remaining") >= 0);
        Assert.Equal(24L * 1024 * 1024 * 1024, Latest(points, "fluxaspire.comfyui.vram.total"));
        Assert.True(Latest(points, "fluxaspire.comfyui.ram.total") > 0);
        Assert.Equal("By", points.Last(p => p.Metric == "fluxaspire.comfyui.vram.total").Unit);
        Assert.Equal("flux-test-group", duration.Resource["salad.container_group.name"]);
    }

    [Fact]
    public async Task A_webhook_delivery_joins_the_job_trace_one_span_per_attempt_and_the_receiver_gets_its_traceparent()
    {
        var (traceId, _, traceparent) = ClientTraceParent();
        env.Receiver.RespondAt("/traced", (n, _, context) => { context.Response.StatusCode = n == 1 ? 503 : 200; return Task.CompletedTask; });
        using var http = env.Api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/prompt")
        {
            Content = JsonContent.Create(new JsonObject
            {
                ["prompt"] = TestGraphs.Flux(steps: 2, seed: 777),
                ["webhook_v2"] = new Uri(env.Receiver.BaseAddress, "/traced").ToString(),
            }),
        };
        request.Headers.Add("traceparent", traceparent);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var received = await env.Receiver.WaitForAsync("/traced", 2, Deadline);
        Assert.All(received, r => Assert.StartsWith($"00-{traceId}-", r.Header("traceparent")));

        // Each span is exported when it ends, in batches: wait for the job's run and the whole delivery.
        var spans = await env.Otlp.WaitForSpansAsync(all => all.Count(s => s.TraceId == traceId && s.Name == "webhook attempt") >= 2
            && all.Any(s => s.TraceId == traceId && s.Name == "job run") && all.Any(s => s.TraceId == traceId && s.Name == "webhook delivery"),
            Deadline, "the job run, the webhook delivery and its two attempts");
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var job = Assert.Single(trace, s => s.Name == "job run");
        var delivery = Assert.Single(trace, s => s.Name == "webhook delivery");
        Assert.Equal("prompt.complete", delivery["fluxaspire.webhook.kind"]);
        Assert.Contains(delivery.Links, l => l.TraceId == traceId && l.SpanId == job.SpanId);
        var attempts = trace.Where(s => s.Name == "webhook attempt").OrderBy(s => (long)s["fluxaspire.webhook.attempt"]!).ToList();
        Assert.All(attempts, a => Assert.Equal(delivery.SpanId, a.ParentSpanId));
        Assert.Equal([503L, 200L], attempts.Select(a => (long)a["http.response.status_code"]!));
        Assert.Equal(Status.Types.StatusCode.Error, attempts[0].Status);
        Assert.Equal(Status.Types.StatusCode.Unset, attempts[1].Status);
        // The POST of each attempt is its child, and that is the span the receiver's traceparent names.
        Assert.All(received, r => Assert.Contains(trace, s => s.Kind == Span.Types.SpanKind.Client && r.Header("traceparent")!.Contains(s.SpanId, StringComparison.Ordinal)
            && attempts.Any(a => a.SpanId == s.ParentSpanId)));
    }

    [Fact]
    public async Task A_node_that_fails_in_ComfyUI_marks_its_span_the_run_and_the_job_with_the_node_and_exception()
    {
        var (traceId, _, traceparent) = ClientTraceParent();
        using var sim = env.Simulator.CreateClient();
        using var fault = await sim.PostAsJsonAsync("/sim/faults",
            JsonNode.Parse("""{"fail_node": {"class_type": "KSampler", "exception_type": "RuntimeError", "message": "CUDA out of memory (simulated)"}}"""));
        fault.EnsureSuccessStatusCode();
        try
        {
            using var http = env.Api.CreateClient();
            // A seed of its own, so ComfyUI's cache cannot skip the failing KSampler.
            using var request = new HttpRequestMessage(HttpMethod.Post, "/prompt")
            {
                Content = JsonContent.Create(new JsonObject { ["prompt"] = TestGraphs.Flux(steps: 2, seed: 31337) }),
            };
            request.Headers.Add("traceparent", traceparent);
            using var response = await http.SendAsync(request);
            Assert.False(response.IsSuccessStatusCode);
        }
        finally
        {
            await sim.DeleteAsync("/sim/faults");
        }

        var spans = await env.Otlp.WaitForSpansAsync(all => all.Any(s => s.TraceId == traceId && s.Name == "job run"), Deadline, "the failed job's run");
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var job = Assert.Single(trace, s => s.Name == "job run");
        Assert.Equal(Status.Types.StatusCode.Error, job.Status);
        Assert.Equal("failed", job["fluxaspire.job.outcome"]);
        Assert.Equal("ExecutionFailed", job["error.type"]);
        Assert.Equal("31", job["fluxaspire.comfyui.node.id"]);
        Assert.Equal("KSampler", job["fluxaspire.comfyui.node.class_type"]);
        var run = Assert.Single(trace, s => s.Name == "comfyui run");
        Assert.Equal(Status.Types.StatusCode.Error, run.Status);
        Assert.Equal("31", run["fluxaspire.comfyui.node.id"]);
        Assert.Equal("KSampler", run["fluxaspire.comfyui.node.class_type"]);
        var exception = Assert.Single(run.Events, e => e.Name == "exception");
        Assert.Equal("RuntimeError", exception.Attributes["exception.type"]);
        Assert.Contains("CUDA out of memory (simulated)", (string?)exception.Attributes["exception.message"]);
        var node = Assert.Single(trace, s => (string?)s["fluxaspire.comfyui.node.id"] == "31" && s.ParentSpanId == run.SpanId);
        Assert.Equal(Status.Types.StatusCode.Error, node.Status);
        Assert.Contains("CUDA out of memory (simulated)", node.StatusMessage);
        Assert.DoesNotContain(trace, s => s.Name == "output fetch");
    }
}

/// <summary>Attribute names the tests look up often.</summary>
internal static class ApiTelemetryNames
{
    public const string NodeId = "fluxaspire.comfyui.node.id";
}
