using System.Diagnostics.Metrics;
using FluxAspire.Api.Operations.Redis;
using FluxAspire.Api.Operations.Supervisor;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Operations.Telemetry;

/// <summary>
/// The gauges read when the exporter collects (every OTEL_METRIC_EXPORT_INTERVAL): how full the queues are, whether
/// ComfyUI and Redis are up, the supervised child's restarts, and ComfyUI's memory from <see cref="SystemStatsSampler"/>.
/// </summary>
internal sealed class FleetGauges(IJobQueue queue, ComfyBackends backends, ComfyProcesses processes, RedisAvailability redis, SystemStatsSampler stats)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var meter = ApiTelemetry.Meter;
        meter.CreateObservableGauge("fluxaspire.queue.depth", () => queue.Count, "{job}",
            "Jobs waiting in the API's queue (shared by every replica with Redis), not yet handed to ComfyUI.");
        meter.CreateObservableGauge("fluxaspire.comfyui.queue_remaining", () => backends.All
                .Where(b => b.Socket.QueueRemaining >= 0)
                .Select(b => new Measurement<long>(b.Socket.QueueRemaining, Backend(b))), "{prompt}",
            "ComfyUI's queue_remaining (running and pending prompts) from its last WebSocket status message, by backend.");
        meter.CreateObservableGauge("fluxaspire.comfyui.up", () => backends.All
                .Select(b => new Measurement<int>(b.IsWarm && b.Socket.IsConnected ? 1 : 0, Backend(b))), "1",
            "1 while a ComfyUI backend is warm and its WebSocket connected, else 0.");
        if (processes.All[0].Supervised)
        {
            meter.CreateObservableCounter("fluxaspire.comfyui.restarts", () => processes.All
                    .Select((state, i) => new Measurement<long>(state.Restarts, new KeyValuePair<string, object?>(ApiTelemetry.Backend, ComfyBackendAddress.NameAt(i)))),
                "{restart}", "Restarts of each supervised ComfyUI child (the first start is not one), by backend.");
        }

        if (redis.IsConfigured)
        {
            meter.CreateObservableGauge("fluxaspire.redis.available", () => redis.IsAvailable ? 1 : 0, "1",
                "1 while Redis (the shared job store and queue) answers, else 0.");
        }

        meter.CreateObservableGauge("fluxaspire.comfyui.vram.total", () => stats.Read(s => s.VramTotal), "By", "GPU memory of each ComfyUI device (/system_stats).");
        meter.CreateObservableGauge("fluxaspire.comfyui.vram.free", () => stats.Read(s => s.VramFree), "By", "Free GPU memory of each ComfyUI device (/system_stats).");
        meter.CreateObservableGauge("fluxaspire.comfyui.ram.total", () => stats.Read(s => s.RamTotal), "By", "RAM of each ComfyUI's host (/system_stats).");
        meter.CreateObservableGauge("fluxaspire.comfyui.ram.free", () => stats.Read(s => s.RamFree), "By", "Free RAM of each ComfyUI's host (/system_stats).");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static KeyValuePair<string, object?> Backend(ComfyBackend backend) => new(ApiTelemetry.Backend, backend.Name);
}
