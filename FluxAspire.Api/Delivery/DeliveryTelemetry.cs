using System.Diagnostics;
using System.Diagnostics.Metrics;
using FluxAspire.Api.Operations.Telemetry;

namespace FluxAspire.Api.Delivery;

/// <summary>Spans and metrics of what leaves the API at a job's end: webhook deliveries (a span per delivery, one per
/// attempt under it) and http_upload PUTs (a span per file). Their HTTP calls are children of these spans, so the
/// receiver gets a <c>traceparent</c> of the job's trace.</summary>
internal static class DeliveryTelemetry
{
    private static readonly Counter<long> WebhookAttempts = ApiTelemetry.Meter.CreateCounter<long>("fluxaspire.webhook.attempts", "{attempt}",
        "Webhook POSTs sent, by kind and http.response.status_code (absent when no answer came).");

    private static readonly Counter<long> WebhookFailures = ApiTelemetry.Meter.CreateCounter<long>("fluxaspire.webhook.failures", "{attempt}",
        "Webhook POSTs that failed (no answer, or a status other than 2xx), by error.type.");

    private static readonly Counter<long> WebhookGiveUps = ApiTelemetry.Meter.CreateCounter<long>("fluxaspire.webhook.give_ups", "{webhook}",
        "Webhooks that were never delivered (refused address, a final answer other than 2xx, or retries exhausted).");

    private static readonly Counter<long> UploadBytes = ApiTelemetry.Meter.CreateCounter<long>("fluxaspire.upload.bytes", "By",
        "Bytes of outputs uploaded by http_upload.");

    private static readonly Counter<long> UploadFailures = ApiTelemetry.Meter.CreateCounter<long>("fluxaspire.upload.failures", "{file}",
        "Outputs whose http_upload failed after its retries.");

    /// <summary>"webhook delivery": in the trace of the span that was current when the webhook was queued (the job's),
    /// linked to it as well, since it runs after that span ended.</summary>
    public static Activity? StartWebhook(string jobId, string kind, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = ApiTelemetry.Source.StartActivity("webhook delivery", ActivityKind.Internal, parent,
            links: parent == default ? null : [new ActivityLink(parent)]);
        activity?.SetTag(ApiTelemetry.JobId, jobId);
        activity?.SetTag(ApiTelemetry.WebhookKind, kind);
        return activity;
    }

    /// <summary>"webhook attempt" n, under the delivery.</summary>
    public static Activity? StartWebhookAttempt(string jobId, string kind, int attempt)
    {
        var activity = ApiTelemetry.Source.StartActivity("webhook attempt");
        activity?.SetTag(ApiTelemetry.JobId, jobId);
        activity?.SetTag(ApiTelemetry.WebhookKind, kind);
        activity?.SetTag(ApiTelemetry.WebhookAttempt, attempt);
        return activity;
    }

    public static void WebhookAttemptEnded(Activity? activity, string kind, HttpResponseMessage? response, Exception? error)
    {
        var tags = new TagList { { ApiTelemetry.WebhookKind, KindFamily(kind) } };
        if (response is not null)
        {
            tags.Add(ApiTelemetry.HttpStatusCode, (int)response.StatusCode);
            activity?.SetTag(ApiTelemetry.HttpStatusCode, (int)response.StatusCode);
        }

        WebhookAttempts.Add(1, tags);
        if (error is not null || response is { IsSuccessStatusCode: false })
        {
            var type = error?.GetType().Name ?? ((int)response!.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            WebhookFailures.Add(1, new KeyValuePair<string, object?>(ApiTelemetry.ErrorType, type));
            ApiTelemetry.Fail(activity, type, error?.Message ?? $"HTTP {(int)response!.StatusCode}");
        }
    }

    public static void WebhookGaveUp(Activity? delivery, string reason)
    {
        WebhookGiveUps.Add(1);
        ApiTelemetry.Fail(delivery, "undelivered", reason);
    }

    /// <summary>"upload" of one output file to url_prefix/filename.</summary>
    public static Activity? StartUpload(string jobId, string filename, long bytes)
    {
        var activity = ApiTelemetry.Source.StartActivity("upload");
        activity?.SetTag(ApiTelemetry.JobId, jobId);
        activity?.SetTag(ApiTelemetry.UploadFile, filename);
        activity?.SetTag(ApiTelemetry.Bytes, bytes);
        return activity;
    }

    public static void Uploaded(long bytes) => UploadBytes.Add(bytes);

    public static void UploadFailed(Activity? activity, string reason)
    {
        UploadFailures.Add(1);
        ApiTelemetry.Fail(activity, "upload_failed", reason);
    }

    // "output.complete 1/2" → "output.complete": a bounded tag.
    private static string KindFamily(string kind) => kind.Split(' ')[0];
}
