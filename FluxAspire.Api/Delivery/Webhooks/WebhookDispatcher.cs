using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Operations.Resilience;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;

namespace FluxAspire.Api.Delivery.Webhooks;

/// <summary>
/// The background delivery queue: each webhook is POSTed through the SSRF-guarded client and retried through the
/// <see cref="ResiliencePipelines.Webhooks"/> pipeline (<see cref="WebhookRetry"/>: exponential backoff and jitter for
/// network errors, 408, 429 and 5xx, Retry-After honoured, for Webhooks:RetryFor). Deliveries run
/// concurrently and off the job pipeline, so a slow receiver never holds up other jobs. What is not delivered is logged
/// with its job id, also at shutdown.
/// </summary>
public sealed class WebhookDispatcher(
    IHttpClientFactory httpClientFactory,
    WebhookSecret secret,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ResiliencePipelineProvider<string> pipelines,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly ResiliencePipeline<HttpResponseMessage> _retry = pipelines.GetPipeline<HttpResponseMessage>(ResiliencePipelines.Webhooks);
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
        else if (!secret.IsStrictBase64)
        {
            logger.LogWarning("{Key} is not canonical base64: it is decoded leniently, as the recipe's server decodes it ({Bytes} key bytes)",
                WebhookSecret.ConfigurationKey, secret.Key.Length);
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
        // In the job's trace (the dispatcher runs outside it), so each attempt and its POST are child spans of it.
        using var activity = DeliveryTelemetry.StartWebhook(message.JobId, message.Kind, message.TraceParent);
        var http = httpClientFactory.CreateClient(OutboundHttp.ClientName);
        var attempts = 0;
        var outcome = await _retry.ExecuteOutcomeAsync(time, async ct =>
            {
                attempts++;
                using var attempt = DeliveryTelemetry.StartWebhookAttempt(message.JobId, message.Kind, attempts);
                try
                {
                    using var request = await BuildRequestAsync(message, ct);
                    var response = await http.SendAsync(request, ct);
                    DeliveryTelemetry.WebhookAttemptEnded(attempt, message.Kind, response, null);
                    return response;
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    DeliveryTelemetry.WebhookAttemptEnded(attempt, message.Kind, null, e);
                    throw;
                }
            },
            (failed, attempt, wait) => logger.LogInformation("Webhook {Kind} for job {JobId}: attempt {Attempt} failed ({Outcome}); retrying in {Wait}",
                message.Kind, message.JobId, attempt + 1, WebhookRetry.Describe(failed), wait),
            cancellationToken);

        using var response = outcome.Result;
        if (outcome.Exception is OutboundUrlRefusedException refused)
        {
            logger.LogWarning("Webhook {Kind} for job {JobId} was not delivered: {Reason}", message.Kind, message.JobId, refused.Message);
            DeliveryTelemetry.WebhookGaveUp(activity, "refused: " + refused.Reason);
        }
        else if (outcome.Exception is not null && !WebhookRetry.IsRetryable(outcome, cancellationToken))
        {
            // Our own cancellation (shutdown) or a bug: ExecuteAsync logs it, or StopAsync for what is left undelivered.
            outcome.ThrowIfException();
        }
        else if (response is { IsSuccessStatusCode: true })
        {
            logger.LogInformation("Webhook {Kind} for job {JobId} delivered (attempt {Attempt})", message.Kind, message.JobId, attempts);
        }
        else if (!WebhookRetry.IsRetryable(outcome, cancellationToken))
        {
            logger.LogWarning("Webhook {Kind} for job {JobId} was not delivered: {Receiver} answered {Outcome}",
                message.Kind, message.JobId, Redact(message.Url), WebhookRetry.Describe(outcome));
            DeliveryTelemetry.WebhookGaveUp(activity, "answered " + WebhookRetry.Describe(outcome));
        }
        else
        {
            logger.LogWarning("Webhook {Kind} for job {JobId} was not delivered after {Attempts} attempts: {Receiver} {Outcome}",
                message.Kind, message.JobId, attempts, Redact(message.Url), WebhookRetry.Describe(outcome));
            DeliveryTelemetry.WebhookGaveUp(activity, $"{attempts} attempts: {WebhookRetry.Describe(outcome)}");
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

    /// <summary>Scheme, host and path only: a query string may carry the receiver's token.</summary>
    internal static string Redact(Uri url) => url.GetLeftPart(UriPartial.Path);
}
