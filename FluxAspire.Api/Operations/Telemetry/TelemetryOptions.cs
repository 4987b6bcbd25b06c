using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Operations.Telemetry;

/// <summary>The API's own telemetry settings (section "Telemetry"); where it goes is the standard OTEL_* variables'.</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>How often each ComfyUI's GET /system_stats is read for the memory gauges.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SystemStatsInterval { get; set; } = TimeSpan.FromSeconds(15);
}
