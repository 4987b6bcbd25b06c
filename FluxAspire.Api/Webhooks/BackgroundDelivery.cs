using System.Text.Json.Nodes;
using FluxAspire.Api.Jobs;
using FluxAspire.Api.Uploads;

namespace FluxAspire.Api.Webhooks;

/// <summary>
/// Delivers a background job's result (webhook_v2, legacy webhook, async http_upload) when it ends, on the replica that
/// ended it; the request that accepted it answered 202 long ago, possibly on another replica.
/// </summary>
public sealed class BackgroundDelivery(
    WebhookDispatcher dispatcher,
    HttpUploader uploader,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<BackgroundDelivery> logger) : IJobEndObserver
{
    public void OnJobEnded(JobRequest request, JobResult? result, JobFailure? failure)
    {
        // A job carries an echo only when nobody waits for it (202 answers, POST /jobs); sync requests deliver themselves.
        if (request.Echo is not { } echo || request.Delivery is { Webhook: null, WebhookV2: null, HttpUpload: null })
        {
            return;
        }

        _ = Task.Run(() => DeliverSafelyAsync(request, echo, result, failure));
    }

    private async Task DeliverSafelyAsync(JobRequest job, JsonObject echo, JobResult? result, JobFailure? failure)
    {
        try
        {
            await DeliverAsync(job, echo, result, failure);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Delivering the result of job {JobId} failed", job.Id);
        }
    }

    private async Task DeliverAsync(JobRequest job, JsonObject echo, JobResult? result, JobFailure? failure)
    {
        var delivery = job.Delivery;
        var v2 = delivery.WebhookV2 is null ? null : new Uri(delivery.WebhookV2);
        var legacy = delivery.Webhook is null ? null : new Uri(delivery.Webhook);
        if (failure is not null || result is null)
        {
            failure ??= new JobFailure(JobFailureKind.BadGateway, "the job ended without a result");
            if (v2 is not null) dispatcher.Enqueue(new WebhookMessage(job.Id, v2, WebhookBodies.Failed(echo, job, failure, time.GetUtcNow()), Signed: true, "prompt.failed"));
            if (legacy is not null) dispatcher.Enqueue(new WebhookMessage(job.Id, legacy, WebhookBodies.LegacyFailed(job, failure), Signed: false, "prompt.failed (legacy)"));
            if (v2 is null && legacy is null) logger.LogWarning("Job {JobId} failed ({Error}); nothing was uploaded", job.Id, failure.Message);
            return;
        }

        IReadOnlyList<string>? urls = null;
        // As in the recipe, the legacy webhook takes precedence over an upload key, which is then ignored.
        if (legacy is null && HttpUploadRequest.Parse(delivery.HttpUpload, new Dictionary<string, string[]>()) is { } upload)
        {
            try
            {
                (urls, var elapsed) = await uploader.UploadAsync(job.Id, result.Files, upload, lifetime.ApplicationStopping);
                result = ResultDelivery.WithUploadTime(job, result, elapsed, time.GetUtcNow());
            }
            catch (Exception e) when (e is HttpUploadException or OperationCanceledException)
            {
                logger.LogWarning("Job {JobId}: {Error}", job.Id, e.Message);
                if (v2 is not null) dispatcher.Enqueue(new WebhookMessage(job.Id, v2, WebhookBodies.UploadFailed(echo, job, e.Message, time.GetUtcNow()), Signed: true, "prompt.failed"));
                return;
            }
        }

        if (v2 is not null) dispatcher.Enqueue(new WebhookMessage(job.Id, v2, WebhookBodies.Complete(echo, result, urls, time.GetUtcNow()), Signed: true, "prompt.complete"));
        if (legacy is not null)
        {
            for (var i = 0; i < result.Files.Count; i++)
            {
                dispatcher.Enqueue(new WebhookMessage(job.Id, legacy, WebhookBodies.LegacyOutput(result, result.Files[i]), Signed: false,
                    $"output.complete {i + 1}/{result.Files.Count}"));
            }
        }
    }
}
