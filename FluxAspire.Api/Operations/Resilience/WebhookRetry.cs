using System.Net;
using FluxAspire.Api.Delivery.Webhooks;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace FluxAspire.Api.Operations.Resilience;

/// <summary>
/// The <see cref="ResiliencePipelines.Webhooks"/> pipeline: network errors, timeouts, 408, 429 and 5xx are retried after the
/// receiver's Retry-After, or else after Webhooks:RetryDelay doubled per failed attempt up to Webhooks:MaxRetryDelay, with
/// jitter; it gives up when the next wait would end later than Webhooks:RetryFor after the first attempt.
/// </summary>
internal static class WebhookRetry
{
    // The wait ShouldHandle chose (it needs the wait to know whether it still fits in RetryFor); DelayGenerator returns it.
    private static readonly ResiliencePropertyKey<TimeSpan> NextWait = new("FluxAspire.WebhookNextWait");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        pipeline.TimeProvider = time;
        pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = int.MaxValue,
            ShouldHandle = args =>
            {
                if (!IsRetryable(args.Outcome, args.Context.CancellationToken)) return ValueTask.FromResult(false);
                var wait = RetryAfter(args.Outcome.Result, time)
                    ?? Jitter(Backoff.Exponential(settings.RetryDelay, settings.MaxRetryDelay, args.AttemptNumber));
                var giveUpAt = args.Context.Properties.GetValue(ResiliencePipelines.StartedAt, time.GetUtcNow()) + settings.RetryFor;
                if (time.GetUtcNow() + wait > giveUpAt) return ValueTask.FromResult(false);
                args.Context.Properties.Set(NextWait, wait);
                return ValueTask.FromResult(true);
            },
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(NextWait, TimeSpan.Zero)),
            OnRetry = ResiliencePipelines.NotifyObserver,
        });
    }

    /// <summary>Network errors, timeouts (not our own cancellation), 408, 429 and 5xx.</summary>
    public static bool IsRetryable(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken) => outcome switch
    {
        { Exception: HttpRequestException } => true,
        { Exception: TaskCanceledException } => !cancellationToken.IsCancellationRequested,
        { Exception: null, Result: { } response } => !response.IsSuccessStatusCode && IsRetryable(response.StatusCode),
        _ => false,
    };

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>"HTTP 503", the network error, or "timed out", as the log lines say it.</summary>
    public static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TaskCanceledException } => "timed out",
        { Exception: { } e } => e.Message,
        { Result: { } response } => $"HTTP {(int)response.StatusCode}",
        _ => "no answer",
    };

    private static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        if (response?.Headers.RetryAfter is not { } retryAfter) return null;
        if (retryAfter.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (retryAfter.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>Between half and all of the backoff, so receivers recovering from an outage are not hit in lockstep.</summary>
    private static TimeSpan Jitter(TimeSpan backoff) => TimeSpan.FromTicks((long)(backoff.Ticks * (0.5 + Random.Shared.NextDouble() / 2)));
}
