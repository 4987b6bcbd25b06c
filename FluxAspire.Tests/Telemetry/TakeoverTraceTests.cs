using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Infrastructure;
using FluxAspire.Tests.JobsApi;
using FluxAspire.Tests.Telemetry.Otlp;
using static FluxAspire.Tests.Cluster.ClusterProcesses;

namespace FluxAspire.Tests.Telemetry;

/// <summary>A job taken over by another replica after a SIGKILL stays one trace: the client's, carried through Redis.</summary>
public sealed class TakeoverTraceTests
{
    [Fact]
    public async Task A_job_taken_over_after_its_replica_is_killed_is_one_trace_with_both_attempts()
    {
        await using var otlp = await OtlpReceiver.StartAsync();
        await using var redis = await RedisServerProcess.StartAsync();
        await using var simA = await SimulatorProcess.StartAsync("--step-ms", "1000");
        await using var simB = await SimulatorProcess.StartAsync("--step-ms", "20");
        var exporting = new Dictionary<string, string>(otlp.ExporterEnvironment);
        await using var apiA = await StartReplicaAsync(simA, redis, exporting);
        var onA = new JobsClient(apiA.CreateClient());

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var submit = new HttpRequestMessage(HttpMethod.Post, "/jobs")
        {
            Content = JsonContent.Create(new JsonObject { ["prompt"] = TestGraphs.Flux(steps: 20, seed: 2026) }),
        };
        submit.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var submitted = await onA.Http.SendAsync(submit);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var id = (string)(await submitted.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
        await onA.WaitAsync(id, job => (string?)job["status"] == "running" && job["progress"] is not null, TimeSpan.FromSeconds(30));
        // What attempt 1 finished before the kill reaches the collector (its own run span ends with the process).
        var firstSubmit = (await otlp.WaitForSpansAsync(all => all.Any(s => s.TraceId == traceId && s.Name == "comfyui submit"), TimeSpan.FromSeconds(30),
            "attempt 1's submit")).Single(s => s.TraceId == traceId && s.Name == "comfyui submit");
        var replicaA = (string)firstSubmit.Resource["service.instance.id"]!;

        await using var apiB = await StartReplicaAsync(simB, redis, exporting);
        apiA.KillNow();
        var onB = new JobsClient(apiB.CreateClient());
        var finished = await onB.WaitAsync(id, job => (string?)job["status"] is "succeeded" or "failed" or "canceled", TimeSpan.FromSeconds(60));
        Assert.Equal("succeeded", (string?)finished["status"]);
        Assert.Equal(2, (int)finished["attempts"]!);

        var spans = await otlp.WaitForSpansAsync(all => all.Any(s => s.TraceId == traceId && s.Name == "job run" && s["fluxaspire.job.outcome"] is "succeeded")
            && all.Any(s => s.TraceId == traceId && s.Name == "output fetch"), TimeSpan.FromSeconds(30), "attempt 2's run");
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var replicaB = (string)trace.Single(s => s.Name == "job run")["fluxaspire.replica"]!;
        Assert.NotEqual(replicaA, replicaB);

        // Attempt 1, on A: the request, its queue wait and submit, the nodes that ended before the kill.
        var fromA = trace.Where(s => (string?)s.Resource["service.instance.id"] == replicaA).ToList();
        var server = Assert.Single(fromA, s => s.Kind == Span.Types.SpanKind.Server);
        Assert.Contains(fromA, s => s.Name == "queue wait" && s.ParentSpanId == server.SpanId);
        Assert.Equal(1L, Assert.Single(fromA, s => s.Name == "comfyui submit")["fluxaspire.job.attempt"]);
        Assert.DoesNotContain(fromA, s => s.Name == "output fetch");

        // Attempt 2, on B: the same trace, under the same request, numbered 2 and naming the lost replica.
        var fromB = trace.Where(s => (string?)s.Resource["service.instance.id"] == replicaB).ToList();
        var run = Assert.Single(fromB, s => s.Name == "job run");
        Assert.Equal(server.SpanId, run.ParentSpanId);
        Assert.Equal(2L, run["fluxaspire.job.attempt"]);
        Assert.Equal(replicaA, run["fluxaspire.job.previous_replica"]);
        Assert.Equal(replicaB, run["fluxaspire.replica"]);
        var comfy = Assert.Single(fromB, s => s.Name == "comfyui run");
        Assert.Equal(run.SpanId, comfy.ParentSpanId);
        Assert.Equal(2L, comfy["fluxaspire.job.attempt"]);
        var sampler = Assert.Single(fromB, s => s.Name == "KSampler" && s.ParentSpanId == comfy.SpanId);
        Assert.Equal(20, sampler.Events.Count(e => e.Name == "progress"));
        Assert.DoesNotContain(fromB, s => s.Name == "queue wait");

        var takeovers = await otlp.WaitForPointsAsync(p => p.Any(x => x.Metric == "fluxaspire.jobs.takeovers" && (string?)x.Resource["service.instance.id"] == replicaB),
            TimeSpan.FromSeconds(30), "B's takeover count");
        Assert.Equal(1, takeovers.Last(x => x.Metric == "fluxaspire.jobs.takeovers" && (string?)x.Resource["service.instance.id"] == replicaB).Value);
    }
}
