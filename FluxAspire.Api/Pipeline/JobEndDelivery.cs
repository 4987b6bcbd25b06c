using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Storage;
using FluxAspire.Api.Delivery.Uploads;
using FluxAspire.Api.Delivery.Webhooks;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Pipeline;

/// <summary>
/// Everything that happens to a result when its job ends, in one place for waited and background jobs alike: the
/// result cache stores it, its upload (s3, hf_upload, azure_blob_upload or http_upload) puts its files, and the webhooks (webhook_v2 signed, legacy per file) announce it.
/// A job nobody waits for (it carries an <see cref="JobRequest.Echo"/>: 202 answers, POST /jobs) is delivered by the
/// replica that ended it, as an <see cref="IJobEndObserver"/>; a waited job by <see cref="JobRunner.RunAsync"/>
/// through <see cref="DeliverToWaiterAsync"/> before it answers, so its response carries the upload URLs and a
/// repeat of the request finds the stored result.
/// </summary>
public sealed partial class JobEndDelivery(
    ResultCache cache,
    WebhookDispatcher dispatcher,
    OutputUploads uploader,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<JobEndDelivery> logger) : IJobEndObserver
{
    /// <summary>The delivered result (upload time in its stats), the uploaded URLs (null: nothing was uploaded), or the
    /// problem to answer with when the upload failed.</summary>
    public readonly record struct Delivered(JobResult Result, IReadOnlyList<string>? UploadedUrls, ProblemHttpResult? Problem);

    public void OnJobEnded(JobRequest request, JobResult? result, JobFailure? failure)
    {
        if (request.Echo is not { } echo)
        {
            return; // a waiter delivers it (DeliverToWaiterAsync)
        }

        if (request.CacheKey is { } key && failure is null && result is not null && !request.Delivery.UploadsToStorage)
        {
            _ = Task.Run(() => StoreSafelyAsync(key, request.Id, result));
        }

        if (request.Delivery is { Webhook: not null } or { WebhookV2: not null } || request.Delivery.Upload is not null)
        {
            _ = Task.Run(() => DeliverSafelyAsync(request, echo, result, failure));
        }
    }

    /// <summary>A waited job's successful result: stored under <paramref name="cacheKey"/> (null: not stored), then
    /// uploaded when an upload key asks (the URLs then replace the images in the response).</summary>
    public async Task<Delivered> DeliverToWaiterAsync(JobRequest job, JobResult result, string? cacheKey, CancellationToken cancellationToken)
    {
        if (cacheKey is not null && !job.Delivery.UploadsToStorage)
        {
            await cache.StoreAsync(cacheKey, result, cancellationToken);
        }

        if (job.Delivery.Upload is not { } upload)
        {
            return new Delivered(result, null, null);
        }

        try
        {
            var (urls, elapsed) = await uploader.UploadAsync(job, result.Files, upload, cancellationToken);
            return new Delivered(WithUploadTime(job, result, elapsed), urls, null);
        }
        catch (HttpUploadException e) when (e.RefusedByGuard)
        {
            // A redirect to a refused address only shows when we call: still the caller's bad input, so 400.
            var invalid = ApiProblems.Validation(new Dictionary<string, string[]> { [$"{HttpUploadRequest.Field}.url_prefix"] = [e.Reason] });
            return new Delivered(result, null, TypedResults.Problem(invalid.ProblemDetails));
        }
        catch (HttpUploadException e)
        {
            return new Delivered(result, null, TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "http_upload failed",
                detail: e.Message, extensions: new Dictionary<string, object?> { ["id"] = job.Id }));
        }
        catch (StorageUploadException e)
        {
            return new Delivered(result, null, TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: $"{e.Provider} failed",
                detail: e.Message, extensions: new Dictionary<string, object?> { ["id"] = job.Id, ["code"] = e.Code }));
        }
    }

    private JobResult WithUploadTime(JobRequest job, JobResult result, TimeSpan elapsed) =>
        result with { Stats = result.Stats with { Upload = elapsed, Total = time.GetUtcNow() - job.ReceivedAt } };

    private async Task StoreSafelyAsync(string key, string jobId, JobResult result)
    {
        try
        {
            await cache.StoreAsync(key, result, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogStoreFailed(e, jobId);
        }
    }

    private async Task DeliverSafelyAsync(JobRequest job, JsonObject echo, JobResult? result, JobFailure? failure)
    {
        try
        {
            await DeliverInBackgroundAsync(job, echo, result, failure);
        }
        catch (Exception e)
        {
            LogDeliveryFailed(e, job.Id);
        }
    }

    private async Task DeliverInBackgroundAsync(JobRequest job, JsonObject echo, JobResult? result, JobFailure? failure)
    {
        var v2 = job.Delivery.WebhookV2;
        var legacy = job.Delivery.Webhook;
        if (failure is not null || result is null)
        {
            failure ??= new JobFailure(JobFailureKind.BadGateway, "the job ended without a result");
            if (v2 is not null) dispatcher.Enqueue(new WebhookMessage(job.Id, v2, WebhookBodies.Failed(echo, job, failure, time.GetUtcNow()), Signed: true, "prompt.failed"));
            if (legacy is not null) dispatcher.Enqueue(new WebhookMessage(job.Id, legacy, WebhookBodies.LegacyFailed(job, failure), Signed: false, "prompt.failed (legacy)"));
            if (v2 is null && legacy is null) LogFailedNothingUploaded(job.Id, failure.Message);
            return;
        }

        IReadOnlyList<string>? urls = null;
        // As in the recipe, the legacy webhook takes precedence over an upload key, which is then ignored.
        if (legacy is null && job.Delivery.Upload is { } upload)
        {
            try
            {
                (urls, var elapsed) = await uploader.UploadAsync(job, result.Files, upload, lifetime.ApplicationStopping);
                result = WithUploadTime(job, result, elapsed);
            }
            catch (Exception e) when (e is HttpUploadException or StorageUploadException or OperationCanceledException)
            {
                LogUploadFailed(job.Id, e.Message);
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

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: storing its result in the cache failed")]
    private partial void LogStoreFailed(Exception exception, string jobId);

    [LoggerMessage(LogLevel.Error, "Delivering the result of job {JobId} failed")]
    private partial void LogDeliveryFailed(Exception exception, string jobId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} failed ({Error}); nothing was uploaded")]
    private partial void LogFailedNothingUploaded(string jobId, string error);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: {Error}")]
    private partial void LogUploadFailed(string jobId, string error);
}
