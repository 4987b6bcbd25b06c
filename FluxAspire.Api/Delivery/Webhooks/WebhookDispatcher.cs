using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using FluxAspire.Api.Delivery.Outbound;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Delivery.Webhooks;

/// <summary>
/// The background delivery queue: each webhook is POSTed through the SSRF-guarded client and retried with exponential
/// backoff and jitter (network errors, 408, 429 and 5xx; Retry-After honoured) for Webhooks:RetryFor. Deliveries run
/// concurrently and off the job pipeline, so a slow receiver never holds up other jobs. What is not delivered is logged
/// with its job id, also at shutdown.
/// </summary>
public sealed class WebhookDispatcher(
    IHttpClientFactory httpClientFactory,
    WebhookSecret secret,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly Channel<(Guid Key, WebhookMessage Message)> _queue = Channel.CreateUnbounded<(Guid, WebhookMessage)>();
    private readonly ConcurrentDictionary<Guid, WebhookMessage> _pending = new();

    public void Enqueue(WebhookMessage message)
    {
        var key = Guid.NewGuid();
        _pending[key] = message;
        _queue.Writer.TryWrite((key, message));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (secret.Key is null)
        {
            logger.LogWarning("{Key} is not set: webhook_v2 messages go out without a webhook-signature header", WebhookSecret.ConfigurationKey);
        }

        var slots = new SemaphoreSlim(options.Value.MaxConcurrentDeliveries);
        await foreach (var (key, message) in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            await slots.WaitAsync(stoppingToken);
            _ = Task.Run(async () =>
            {
                try
                {
                    await DeliverAsync(message, stoppingToken);
                    _pending.TryRemove(key, out _);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // left in _pending: StopAsync logs it
                }
                catch (Exception e)
                {
                    _pending.TryRemove(key, out _);
                    logger.LogError(e, "Webhook {Kind} for job {JobId} was not delivered", message.Kind, message.JobId);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var message in _pending.Values)
        {
            logger.LogWarning("Webhook {Kind} for job {JobId} to {Receiver} was not delivered before shutdown",
                message.Kind, message.JobId, Redact(message.Url));
        }
    }

    private async Task DeliverAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var http = httpClientFactory.CreateClient(OutboundHttp.ClientName);
        var giveUpAt = time.GetUtcNow() + settings.RetryFor;
        var backoff = settings.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            string outcome;
            TimeSpan? retryAfter = null;
            try
            {
                using var request = await BuildRequestAsync(message, cancellationToken);
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    logger.LogInformation("Webhook {Kind} for job {JobId} delivered (attempt {Attempt})", message.Kind, message.JobId, attempt);
                    return;
                }

                outcome = $"HTTP {(int)response.StatusCode}";
                if (!IsRetryable(response.StatusCode))
                {
                    logger.LogWarning("Webhook {Kind} for job {JobId} was not delivered: {Receiver} answered {Outcome}",
                        message.Kind, message.JobId, Redact(message.Url), outcome);
                    return;
                }

                retryAfter = RetryAfter(response);
            }
            catch (OutboundUrlRefusedException refused)
            {
                logger.LogWarning("Webhook {Kind} for job {JobId} was not delivered: {Reason}", message.Kind, message.JobId, refused.Message);
                return;
            }
            catch (HttpRequestException e)
            {
                outcome = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = "timed out";
            }

            var wait = retryAfter ?? Jitter(backoff);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, settings.MaxRetryDelay.Ticks));
            if (time.GetUtcNow() + wait > giveUpAt)
            {
                logger.LogWarning("Webhook {Kind} for job {JobId} was not delivered after {Attempts} attempts: {Receiver} {Outcome}",
                    message.Kind, message.JobId, attempt, Redact(message.Url), outcome);
                return;
            }

            logger.LogInformation("Webhook {Kind} for job {JobId}: attempt {Attempt} failed ({Outcome}); retrying in {Wait}",
                message.Kind, message.JobId, attempt, outcome, wait);
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private async Task<HttpRequestMessage> BuildRequestAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        // Standard Webhooks: the id stays the same across retries (receivers dedupe on it); the timestamp and signature
        // are those of this attempt. The body is written twice per attempt, to measure and sign it and to send it, so
        // nothing holds it in between.
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var (length, signature) = await message.Body.MeasureAsync(message.JobId, timestamp, message.Signed ? secret.Key : null, cancellationToken);
        var request = new HttpRequestMessage(HttpMethod.Post, message.Url) { Content = message.Body.ToContent(length) };
        if (message.Signed)
        {
            request.Headers.Add("webhook-id", message.JobId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (signature is not null)
            {
                request.Headers.Add("webhook-signature", signature);
            }
        }

        return request;
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter) return null;
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

    /// <summary>Scheme, host and path only: a query string may carry the receiver's token.</summary>
    internal static string Redact(Uri url) => url.GetLeftPart(UriPartial.Path);
}
