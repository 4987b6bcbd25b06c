using FluxAspire.Api.Pipeline.Jobs;
using OpenTelemetry;
using OpenTelemetry.Resources;

namespace FluxAspire.Api.Operations.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// The API's gauges (queues, ComfyUI and Redis up, ComfyUI's memory) and its <c>service.instance.id</c>: the replica id
    /// a job's record and spans name, unless OTEL_RESOURCE_ATTRIBUTES gives one (the AppHost does, for its dashboard).
    /// Spans, counters and histograms come from <see cref="ApiTelemetry"/>; ServiceDefaults exports them all.
    /// </summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SystemStatsSampler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SystemStatsSampler>());
        builder.Services.AddHostedService<FleetGauges>();
        builder.Services.AddOpenTelemetry().ConfigureResource(resource =>
            resource.AddDetector(sp => new ReplicaInstanceDetector(sp.GetRequiredService<ReplicaIdentity>())));
        return builder;
    }

    private sealed class ReplicaInstanceDetector(ReplicaIdentity replica) : IResourceDetector
    {
        public Resource Detect() =>
            (Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES") ?? "").Contains("service.instance.id=", StringComparison.Ordinal)
                ? Resource.Empty
                : new Resource([new KeyValuePair<string, object>("service.instance.id", replica.Id)]);
    }
}
