using FluxAspire.Api.Delivery.Storage;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace FluxAspire.Api.Operations.Resilience;

/// <summary>
/// The <see cref="ResiliencePipelines.Storage"/> pipeline, around each file an S3, Azure Blob or Hugging Face upload (or
/// read) moves: throttling, 5xx, timeouts and network errors (<see cref="StorageErrors.IsTransient"/>) are tried again
/// after Storage:RetryDelay doubled per attempt up to Storage:MaxRetryDelay, with jitter, Storage:MaxAttempts times in
/// all. The SDKs' own retries are off, so this is the only retry policy for storage.
/// </summary>
internal static class StorageRetry
{
    public static void Configure(ResiliencePipelineBuilder pipeline, IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        pipeline.TimeProvider = services.GetRequiredService<TimeProvider>();
        pipeline.AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = settings.MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = settings.RetryDelay,
            MaxDelay = settings.MaxRetryDelay,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is { } e && StorageErrors.IsTransient(e, args.Context.CancellationToken)),
            OnRetry = ResiliencePipelines.NotifyObserver,
        });
    }
}
