using System.Text.Json.Serialization;
using FluxAspire.Api.Operations.Backpressure;
using FluxAspire.Api.Operations.Readiness;
using FluxAspire.Api.Operations.Redis;
using FluxAspire.Api.Operations.Supervisor;
using FluxAspire.Api.Pipeline.Comfy;
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
        ComfyClient client, ComfyWebSocket socket, ReadinessState state, QueuePressure pressure, ComfyProcessState process,
        RedisAvailability redis, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            reasons.Add("shutting down: taking no new work");
        }

        if (process.NotReadyReason is { } processDown) reasons.Add(processDown); // the supervised child (one-image deployment)
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.GetQueueRemainingAsync(probe.Token);
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException or OperationCanceledException)
        {
            reasons.Add("ComfyUI is not answering");
        }

        if (!socket.IsConnected)
        {
            reasons.Add("websocket disconnected");
        }

        if (!state.IsWarm)
        {
            reasons.Add(state.WaitingFor);
        }

        // Measured only when otherwise ready: the verdict is 503 already, and a probe must answer within its timeout.
        if (reasons.Count == 0 && await pressure.MeasureAsync(cancellationToken) is { AtLimit: true } queue)
        {
            reasons.Add(queue.Reason);
        }

        IReadOnlyList<string> degraded = redis is { IsConfigured: true, Reason: { } redisTrouble } ? [redisTrouble] : [];
        return reasons.Count == 0
            ? TypedResults.Ok(new ReadinessReport("ready", [], degraded))
            : TypedResults.Json(new ReadinessReport("not ready", reasons, degraded), statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

public sealed record ReadinessReport(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reasons")] IReadOnlyList<string> Reasons,
    [property: JsonPropertyName("degraded")] IReadOnlyList<string> Degraded);
