using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Webhooks;
using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Api.Delivery.SystemWebhooks;

/// <summary>
/// Sends the selected ComfyUI and storage events to SYSTEM_WEBHOOK_URL as
/// {"event":"comfy.&lt;type&gt;"|"storage.&lt;name&gt;", "data", "metadata"}, signed like webhook_v2 with a random
/// webhook-id, through the webhook delivery queue (retries, SSRF guard). Without a URL every call is a cheap no-op.
/// </summary>
public sealed class SystemWebhookNotifier(SystemWebhookSettings settings, WebhookDispatcher dispatcher, ILogger<SystemWebhookNotifier> logger)
{
    public SystemWebhookSettings Settings => settings;

    /// <summary>Called on the WebSocket read loop before the message is routed, so it only copies and enqueues.
    /// ComfyUI's prompt_id already is our request id (we submit it as prompt_id), so no mapping is needed.</summary>
    public void OnComfyMessage(ComfyMessage message)
    {
        if (!settings.Wants(message.Type)) return;
        try
        {
            var data = new JsonObject { ["type"] = message.Type, ["data"] = message.Data.DeepClone() };
            Send($"comfy.{message.Type}", data);
        }
        catch (Exception e)
        {
            // Never let a webhook problem break the WebSocket that every job depends on.
            logger.LogWarning(e, "System webhook comfy.{Type} was not queued", message.Type);
        }
    }

    /// <summary>storage.file_uploaded / file_downloaded / file_deleted with path, URL and size only, never the bytes
    /// (the recipe puts the whole file into file_uploaded). URLs lose their query string, which may hold a token.</summary>
    public void OnStorageEvent(string name, string? jobId, Uri? url = null, string? path = null, long? size = null)
    {
        if (!settings.Wants(name)) return;
        var data = new JsonObject();
        if (jobId is not null) data["id"] = jobId;
        if (url is not null) data["url"] = WebhookDispatcher.Redact(url);
        if (path is not null) data["local_path"] = path;
        if (size is not null) data["size"] = size;
        Send($"storage.{name}", data);
    }

    private void Send(string eventName, JsonObject data)
    {
        var body = new JsonObject
        {
            ["event"] = eventName,
            ["data"] = data,
            ["metadata"] = settings.Metadata.DeepClone(),
        }.ToJsonString(WebhookBodies.Json);
        // The Standard Webhooks id of a system webhook is a fresh UUID (contract §1.5); it doubles as the log key.
        dispatcher.Enqueue(new WebhookMessage(Guid.NewGuid().ToString(), settings.Url!, body, Signed: true, eventName));
    }
}
