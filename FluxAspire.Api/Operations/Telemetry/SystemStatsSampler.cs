using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Comfy;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Telemetry;

/// <summary>
/// Asks each ComfyUI backend for GET /system_stats every <see cref="TelemetryOptions.SystemStatsInterval"/> and keeps
/// its memory figures for the gauges (the gauge callbacks cannot wait for HTTP). A backend that does not answer keeps no
/// figures, so its gauges go quiet rather than report stale memory.
/// </summary>
internal sealed partial class SystemStatsSampler(ComfyBackends backends, IOptions<TelemetryOptions> options, TimeProvider time,
    ILogger<SystemStatsSampler> logger) : BackgroundService
{
    /// <summary>One device's (VRAM) or host's (RAM) figures; a field not given by ComfyUI is null.</summary>
    public sealed record Sample(string Backend, string? Device, long? VramTotal, long? VramFree, long? RamTotal, long? RamFree);

    private readonly ConcurrentDictionary<string, IReadOnlyList<Sample>> _latest = new(StringComparer.Ordinal);

    public IEnumerable<Measurement<long>> Read(Func<Sample, long?> figure)
    {
        foreach (var sample in _latest.Values.SelectMany(s => s))
        {
            if (figure(sample) is { } value)
            {
                yield return sample.Device is null
                    ? new Measurement<long>(value, new KeyValuePair<string, object?>(ApiTelemetry.Backend, sample.Backend))
                    : new Measurement<long>(value, new KeyValuePair<string, object?>(ApiTelemetry.Backend, sample.Backend),
                        new KeyValuePair<string, object?>("fluxaspire.comfyui.device", sample.Device));
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SystemStatsInterval, time);
        do
        {
            await Task.WhenAll(backends.All.Select(b => SampleAsync(b, stoppingToken)));
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task SampleAsync(ComfyBackend backend, CancellationToken stoppingToken)
    {
        try
        {
            var stats = await backend.Client.GetSystemStatsAsync(stoppingToken);
            _latest[backend.Name] = Parse(backend.Name, stats);
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException or HttpRequestException
                                   || ex is OperationCanceledException && !stoppingToken.IsCancellationRequested)
        {
            _latest.TryRemove(backend.Name, out _);
            LogUnanswered(backend.Name, ex.Message);
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal static IReadOnlyList<Sample> Parse(string backend, JsonObject stats)
    {
        var system = stats["system"] as JsonObject;
        var samples = new List<Sample>
        {
            new(backend, null, null, null, ComfyValues.AsInt64(system?["ram_total"]), ComfyValues.AsInt64(system?["ram_free"])),
        };
        foreach (var device in (stats["devices"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = ComfyValues.AsString(device["index"]) ?? ComfyValues.AsString(device["name"]) ?? "0";
            samples.Add(new Sample(backend, name, ComfyValues.AsInt64(device["vram_total"]), ComfyValues.AsInt64(device["vram_free"]), null, null));
        }

        return samples;
    }

    [LoggerMessage(LogLevel.Debug, "ComfyUI backend {Backend} did not answer /system_stats: {Reason}")]
    private partial void LogUnanswered(string backend, string reason);
}
