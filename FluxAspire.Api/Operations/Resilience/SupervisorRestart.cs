using FluxAspire.Api.Operations.Supervisor;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace FluxAspire.Api.Operations.Resilience;

/// <summary>
/// The <see cref="ResiliencePipelines.SupervisorRestart"/> pipeline: the ComfyUI child is restarted after any end of a run
/// (exit code 0 included), for as long as the API runs. The wait is ComfyUI:Launch:RestartMinDelay, doubling per restart
/// up to RestartMaxDelay, and starts over once a run had answered for ComfyUI:Launch:StableAfter.
/// </summary>
internal static class SupervisorRestart
{
    public static void Configure(ResiliencePipelineBuilder<SupervisedRun> pipeline, IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<ComfyLaunchOptions>>().Value;
        pipeline.TimeProvider = services.GetRequiredService<TimeProvider>();
        pipeline.AddRetry(new RetryStrategyOptions<SupervisedRun>
        {
            MaxRetryAttempts = int.MaxValue,
            // Any end of a run, never an unexpected exception (a bug stops the service as before), and not the run that ended
            // because the API stops: it is not reported down or restarted (Polly would still call OnRetry before its wait).
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is null && !args.Context.CancellationToken.IsCancellationRequested),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Backoff.Exponential(settings.RestartMinDelay, settings.RestartMaxDelay,
                Backoff.ExponentStartingOverAfter(goodRun: args.Outcome.Result.AnsweredFor >= settings.StableAfter, args.Context))),
            OnRetry = ResiliencePipelines.NotifyObserver,
        });
    }
}
