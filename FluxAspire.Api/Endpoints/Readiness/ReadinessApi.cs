using System.Text.Json.Serialization;
using FluxAspire.Api.Operations.Backpressure;
using FluxAspire.Api.Operations.Redis;
using FluxAspire.Api.Operations.Supervisor;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Endpoints.Readiness;

public static class ReadinessApi
{
    public static IEndpointRouteBuilder MapReadinessApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/").WithTags("Health")
            .MapGet("/ready", ReadyAsync)
            .WithName("Ready")
            .WithSummary("Readiness")
            .WithDescription("200 only when ComfyUI answers, the WebSocket to it is up, the warmup graph has run " +
                "and fewer jobs wait than MAX_QUEUE_DEPTH (0 = no limit); 503 otherwise, with the reasons. For load balancer readiness probes. " +
                "`degraded` lists trouble that does not stop this replica serving (Redis down or slow: sync requests still run on its ComfyUI).");
        return routes;
    }

    internal static async Task<Results<Ok<ReadinessReport>, JsonHttpResult<ReadinessReport>>> ReadyAsync(
        ComfyLanes lanes, QueuePressure pressure, ComfyProcesses processes, RedisAvailability redis, IHostApplicationLifetime lifetime,
        CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            reasons.Add("shutting down: taking no new work");
        }

        reasons.AddRange(processes.NotReadyReasons); // the supervised children (one-image deployment)
        var backends = await Task.WhenAll(lanes.All.Select(lane => CheckAsync(lane, cancellationToken)));
        // Ready while one backend can take work: the others' jobs go to it (see ComfyLanes).
        if (!backends.Any(b => b.Ready))
        {
            reasons.AddRange(backends.Length == 1 ? backends[0].Reasons : backends.SelectMany(b => b.Reasons.Select(r => $"{b.Name}: {r}")));
        }

        // Measured only when otherwise ready: the verdict is 503 already, and a probe must answer within its timeout.
        if (reasons.Count == 0 && await pressure.MeasureAsync(cancellationToken) is { AtLimit: true } queue)
        {
            reasons.Add(queue.Reason);
        }

        IReadOnlyList<string> degraded = redis is { IsConfigured: true, Reason: { } redisTrouble } ? [redisTrouble] : [];
        var listed = backends.Length > 1 ? backends : null;
        return reasons.Count == 0
            ? TypedResults.Ok(new ReadinessReport("ready", [], degraded) { Backends = listed })
            : TypedResults.Json(new ReadinessReport("not ready", reasons, degraded) { Backends = listed }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<BackendReadiness> CheckAsync(ComfyLane lane, CancellationToken cancellationToken)
    {
        var backend = lane.Backend;
        var reasons = new List<string>();
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await backend.Client.GetQueueRemainingAsync(probe.Token);
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException or OperationCanceledException)
        {
            reasons.Add("ComfyUI is not answering");
        }

        if (!backend.Socket.IsConnected)
        {
            reasons.Add("websocket disconnected");
        }

        if (!backend.IsWarm)
        {
            reasons.Add(backend.WaitingFor);
        }

        return new BackendReadiness(backend.Name, reasons.Count == 0, reasons, lane.Running, lane.Capacity, lane.Completed);
    }
}

public sealed record ReadinessReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reasons")] IReadOnlyList<string> Reasons,
    [property: JsonPropertyName("degraded")] IReadOnlyList<string> Degraded)
{
    /// <summary>Each ComfyUI backend, when there are several (ComfyUI:Backends).</summary>
    [JsonPropertyName("backends")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<BackendReadiness>? Backends { get; init; }
}

/// <summary>One ComfyUI backend in /ready: whether it takes jobs, why not, and its load.</summary>
public sealed record BackendReadiness(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("ready")] bool Ready,
    [property: JsonPropertyName("reasons")] IReadOnlyList<string> Reasons,
    [property: JsonPropertyName("running")] int Running,
    [property: JsonPropertyName("slots")] int Slots,
    [property: JsonPropertyName("completed")] long Completed);
