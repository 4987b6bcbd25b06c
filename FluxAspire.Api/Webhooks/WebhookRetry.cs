using System.Net;
using FluxAspire.Api.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace FluxAspire.Api.Webhooks;

/// <summary>
/// The <see cref="ResiliencePipelines.Webhooks"/> pipeline: network errors, timeouts, 408, 429 and 5xx are retried with
/// exponential backoff and jitter (Webhooks:RetryDelay doubling up to Webhooks:MaxRetryDelay), or after the receiver's
/// Retry-After, until the next wait would end past Webhooks:RetryFor from the first attempt.
/// </summary>
internal static class WebhookRetry
{
    /// <summary>The webhook being delivered, for the retry log lines.</summary>
    public static readonly ResiliencePropertyKey<WebhookMessage> Message = new("FluxAspire.WebhookMessage");

    // The wait ShouldHandle chose (it must know the wait to decide whether it still fits in RetryFor); DelayGenerator uses it.
    private static readonly ResiliencePropertyKey<TimeSpan> NextWait = new("FluxAspire.WebhookNextWait");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, IServiceProvider services)
    {
        var settings = services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILogger<WebhookDispatcher>>();
        pipeline.TimeProvider = time;
        pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = int.MaxValue,
            ShouldHandle = args =>
            {
                if (!IsRetryable(args.Outcome, args.Context.CancellationToken)) return ValueTask.FromResult(false);
                var wait = RetryAfter(args.Outcome.Result, time) ?? Jitter(Backoff(settings, args.AttemptNumber));
                args.Context.Properties.TryGetValue(ResiliencePipelines.StartedAt, out var startedAt);
                if (time.GetUtcNow() + wait > startedAt + settings.RetryFor) return ValueTask.FromResult(false);
                args.Context.Properties.Set(NextWait, wait);
                return ValueTask.FromResult(true);
            },
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(NextWait, TimeSpan.Zero)),
            OnRetry = args =>
            {
                var message = args.Context.Properties.GetValue(Message, null!);
                logger.LogInformation("Webhook {Kind} for job {JobId}: attempt {Attempt} failed ({Outcome}); retrying in {Wait}",
                    message.Kind, message.JobId, args.AttemptNumber + 1, Describe(args.Outcome), args.RetryDelay);
                return ValueTask.CompletedTask;
            },
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

    /// <summary>RetryDelay doubled per failed attempt, up to MaxRetryDelay.</summary>
    private static TimeSpan Backoff(WebhookOptions settings, int failedAttempts) => failedAttempts == 0
        ? settings.RetryDelay
        : TimeSpan.FromTicks((long)Math.Min(settings.RetryDelay.Ticks * Math.Pow(2, Math.Min(failedAttempts, 40)), settings.MaxRetryDelay.Ticks));

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
