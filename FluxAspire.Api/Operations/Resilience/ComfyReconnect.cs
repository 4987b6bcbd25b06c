using FluxAspire.Api.Pipeline.Comfy;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace FluxAspire.Api.Operations.Resilience;

/// <summary>
/// The <see cref="ResiliencePipelines.ComfyUI"/> pipeline: the ComfyUI WebSocket is reconnected after every end of a
/// connection, for as long as the API runs. The callback returns whether it had connected; the wait is
/// ComfyUI:ReconnectMinDelay after a connection, doubling with each failed connect up to ComfyUI:ReconnectMaxDelay, ±20 %.
/// </summary>
internal static class ComfyReconnect
{
    public static void Configure(ResiliencePipelineBuilder<bool> pipeline, IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<ComfyOptions>>().Value;
        pipeline.TimeProvider = services.GetRequiredService<TimeProvider>();
        pipeline.AddRetry(new RetryStrategyOptions<bool>
        {
            MaxRetryAttempts = int.MaxValue,
            // Any end of a connection, never an unexpected exception (a bug stops the service as before).
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is null),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                Delay(settings, Backoff.ExponentStartingOverAfter(goodRun: args.Outcome.Result, args.Context))),
            OnRetry = ResiliencePipelines.NotifyObserver,
        });
    }

    /// <summary>The wait after <paramref name="failures"/> failed connects in a row (0: the connection had been up).</summary>
    internal static TimeSpan Delay(ComfyOptions settings, int failures)
    {
        var capped = Backoff.Exponential(settings.ReconnectMinDelay, settings.ReconnectMaxDelay, failures);
        // Jitter keeps many replicas from reconnecting in lockstep after a ComfyUI restart.
        return capped * (0.8 + Random.Shared.NextDouble() * 0.4);
    }
}
