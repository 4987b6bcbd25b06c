using FluxAspire.Api.Operations.Supervisor;
using FluxAspire.Api.Pipeline.Comfy;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polly;
using Polly.Telemetry;

namespace FluxAspire.Api.Operations.Resilience;

public static class ResilienceServiceCollectionExtensions
{
    /// <summary>
    /// The named Polly pipelines of <see cref="ResiliencePipelines"/>, on the injected <see cref="TimeProvider"/>. Their
    /// callers log each retry in their own words, so Polly's own events for them (and for the ComfyUI client's standard
    /// handler, which runs on every poll) are logged at Debug only; they still count in Polly's metrics.
    /// </summary>
    public static IHostApplicationBuilder AddResilience(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddResiliencePipeline<string, bool>(ResiliencePipelines.ComfyUI,
            (pipeline, context) => ComfyReconnect.Configure(pipeline, context.ServiceProvider));
        builder.Services.AddResiliencePipeline<string, HttpResponseMessage>(ResiliencePipelines.Webhooks,
            (pipeline, context) => WebhookRetry.Configure(pipeline, context.ServiceProvider));
        builder.Services.AddResiliencePipeline(ResiliencePipelines.RedisOutage,
            (pipeline, context) => RedisOutageRetry.Configure(pipeline, context.ServiceProvider));
        builder.Services.AddResiliencePipeline<string, SupervisedRun>(ResiliencePipelines.SupervisorRestart,
            (pipeline, context) => SupervisorRestart.Configure(pipeline, context.ServiceProvider));
        builder.Services.AddResiliencePipeline(ResiliencePipelines.Storage,
            (pipeline, context) => StorageRetry.Configure(pipeline, context.ServiceProvider));

        builder.Services.Configure<TelemetryOptions>(telemetry =>
        {
            var severity = telemetry.SeverityProvider;
            telemetry.SeverityProvider = args => IsLoggedByItsCallers(args.Source.PipelineName)
                ? ResilienceEventSeverity.Debug
                : severity?.Invoke(args) ?? args.Event.Severity;
        });
        return builder;
    }

    /// <summary>The ComfyUI HTTP client's standard resilience pipeline, as Microsoft.Extensions.Http.Resilience names it.</summary>
    internal const string ComfyHttpPipeline = ComfyClient.HttpClientName + "-standard";

    private static bool IsLoggedByItsCallers(string? pipelineName) =>
        pipelineName is not null && (pipelineName == ComfyHttpPipeline || ResiliencePipelines.All.Contains(pipelineName));
}
