using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Delivery.Webhooks;
using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Api.Delivery.SystemWebhooks;

/// <summary>At start-up: refuses a SYSTEM_WEBHOOK_URL the SSRF guard would block (the app then does not start), and
/// attaches the system webhooks to the ComfyUI WebSocket only when comfy events are selected.</summary>
public sealed class SystemWebhookStartup(
    SystemWebhookNotifier webhooks,
    ComfyPromptEvents events,
    IOutboundUrlGuard guard,
    ILogger<SystemWebhookStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = webhooks.Settings;
        if (settings.Url is null) return;
        var check = await guard.ValidateAsync(settings.Url, cancellationToken);
        if (!check.Allowed)
            throw new InvalidOperationException($"{SystemWebhookSettings.UrlKey} is refused by the outbound URL guard: {check.Reason}");

        if (settings.Events.Count == 0)
        {
            logger.LogWarning("{UrlKey} is set but {EventsKey} selects no events: no system webhooks are sent",
                SystemWebhookSettings.UrlKey, SystemWebhookEvents.ConfigurationKey);
            return;
        }

        if (settings.Events.Overlaps(SystemWebhookEvents.Comfy)) events.Observer = webhooks.OnComfyMessage;
        logger.LogInformation("System webhooks to {Url} for {Events}",
            WebhookDispatcher.Redact(settings.Url), string.Join(", ", settings.Events.Order(StringComparer.Ordinal)));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
