using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>Service defaults shared by every FluxAspire service: telemetry, health checks, discovery, resilience.</summary>
public static class Extensions
{
    /// <summary>Process-alive endpoint; Salad's startup probe and the AppHost's health check call it.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Liveness endpoint: only checks tagged "live" run.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>The OpenTelemetry variable whose presence switches OTLP export on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds OpenTelemetry, default health checks, service discovery and standard HTTP resilience.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Traces, metrics and logs; exported over OTLP whenever <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. The exporter reads
    /// the standard variables itself (<c>OTEL_EXPORTER_OTLP_HEADERS</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, ...), so an
    /// OTLP backend such as Axiom is configured by environment alone.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddAttributes(FleetIdentity.From(builder.Configuration)))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(builder.Environment.ApplicationName))
            .WithTracing(tracing => tracing
                // A client span with no parent is the app's own background polling (queue reads, pings, ComfyUI's
                // /system_stats): thousands of traces an hour that bury the requests'. Spans under a request or a job
                // are kept, whatever their kind.
                .SetSampler(new ParentBasedSampler(new BackgroundPollingSampler(
                    BackgroundPollingSampler.RatioFrom(builder.Configuration["OTEL_TRACES_SAMPLER"], builder.Configuration["OTEL_TRACES_SAMPLER_ARG"]))))
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx =>
                    !ctx.Request.Path.StartsWithSegments(HealthEndpointPath) &&
                    !ctx.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>A liveness check tagged "live".</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> and <c>/alive</c> in every environment (Salad's probes run in production). Both answer
    /// <c>{"status":"healthy"}</c> like the recipe's API; only checks tagged "live" run, so they say the process is alive,
    /// not that its dependencies are (that is <c>/ready</c>, which each service maps itself).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        var liveOnly = new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        };
        app.MapHealthChecks(HealthEndpointPath, liveOnly);
        app.MapHealthChecks(AlivenessEndpointPath, liveOnly);
        return app;
    }
}
