using System.Text.Json.Nodes;
using FluxAspire.Api.Credentials;
using FluxAspire.Api.Delivery;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Jobs;
using FluxAspire.Api.Outbound;
using FluxAspire.Api.Outputs;
using FluxAspire.Api.Prompts;
using FluxAspire.Api.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Webhooks;

/// <summary>
/// Where a job's result goes besides the HTTP answer: webhook_v2 (signed), legacy webhook (per file), http_upload.
/// Endpoints call <see cref="ValidateAsync"/> with their other checks, then either <see cref="AcceptAsync"/> (202 at once,
/// job and delivery in the background) or, after a synchronous run, <see cref="UploadIfAskedAsync"/>.
/// </summary>
public sealed class ResultDelivery(
    IOutboundUrlGuard guard,
    JobService jobs,
    IJobStore store,
    WebhookDispatcher dispatcher,
    HttpUploader uploader,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ResultDelivery> logger)
{
    /// <summary>
    /// Adds a 400 error per bad or refused (SSRF) envelope field: webhook, webhook_v2, http_upload.*, convert_output.*,
    /// credentials[*], and the unsupported upload keys.
    /// </summary>
    public async Task ValidateAsync(DeliveryOptions delivery, IDictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        ConvertOutputOptions.Parse(delivery.ConvertOutput, errors);
        RequestCredentials.Parse(delivery.Credentials, errors);
        await CheckUrlAsync("webhook", delivery.Webhook, errors, cancellationToken);
        await CheckUrlAsync("webhook_v2", delivery.WebhookV2, errors, cancellationToken);
        UnsupportedUploads.Validate(delivery, errors);
        if (HttpUploadRequest.Parse(delivery.HttpUpload, errors) is { } upload)
        {
            await CheckUrlAsync($"{HttpUploadRequest.Field}.url_prefix", upload.UrlPrefix.ToString(), errors, cancellationToken);
        }
    }

    /// <summary>
    /// The shared tail of every job endpoint: with a webhook or async upload, 202 at once (<c>Accepted</c>) and the job and
    /// its delivery in the background; otherwise run it, upload the outputs if asked, and return the response.
    /// </summary>
    public async Task<(JsonObject? Accepted, PromptResponse? Response, ProblemHttpResult? Problem)> RunOrAcceptAsync(
        JobRequest job, JsonObject echo, SyncJobRunner runner, CancellationToken cancellationToken)
    {
        if (RunsInBackground(job.Delivery))
        {
            var (accepted, refused) = await AcceptAsync(job, echo);
            return (accepted, null, refused);
        }

        var outcome = await runner.RunAsync(job, cancellationToken);
        if (outcome.Problem is { } problem)
        {
            return (null, null, problem);
        }

        var uploaded = await UploadIfAskedAsync(job, outcome.Result!, cancellationToken);
        return uploaded.Problem is { } uploadProblem
            ? (null, null, uploadProblem)
            : (null, WithUploads(PromptResponse.From(uploaded.Result), uploaded.Urls), null);
    }

    /// <summary>True when the request answers 202 at once: any webhook, or http_upload with async true.</summary>
    public static bool RunsInBackground(DeliveryOptions delivery) =>
        delivery.Webhook is not null || delivery.WebhookV2 is not null || delivery.HttpUpload?["async"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;

    /// <summary>Queues the job and returns the 202 body; the result is delivered in the background.</summary>
    public async Task<(JsonObject? Body, ProblemHttpResult? Problem)> AcceptAsync(JobRequest job, JsonObject echo)
    {
        var accepted = WebhookBodies.Accepted(echo, job);
        try
        {
            await jobs.SubmitAsync(job, CancellationToken.None);
        }
        catch (DuplicateJobException duplicate)
        {
            return (null, ApiProblems.DuplicateId(duplicate.Id));
        }

        DeliverWhenDone(job, echo);
        return (accepted, null);
    }

    /// <summary>Sends the job's webhooks and uploads (if any) in the background once it ends; for a job already submitted.</summary>
    public void DeliverWhenDone(JobRequest job, JsonObject echo) => _ = Task.Run(() => DeliverWhenDoneAsync(job, echo));

    /// <summary>After a synchronous run: uploads the outputs when http_upload asks (Urls then replace the images).</summary>
    public async Task<(JobResult Result, IReadOnlyList<string>? Urls, ProblemHttpResult? Problem)> UploadIfAskedAsync(
        JobRequest job, JobResult result, CancellationToken cancellationToken)
    {
        if (HttpUploadRequest.Parse(job.Delivery.HttpUpload, new Dictionary<string, string[]>()) is not { } upload) return (result, null, null);
        try
        {
            var (urls, elapsed) = await uploader.UploadAsync(job.Id, result.Files, upload, cancellationToken);
            return (WithUploadTime(job, result, elapsed), urls, null);
        }
        catch (HttpUploadException e) when (e.RefusedByGuard)
        {
            // A redirect to a refused address only shows when we call: still the caller's bad input, so 400.
            var invalid = ApiProblems.Validation(new Dictionary<string, string[]> { [$"{HttpUploadRequest.Field}.url_prefix"] = [e.Reason] });
            return (result, null, TypedResults.Problem(invalid.ProblemDetails));
        }
        catch (HttpUploadException e)
        {
            return (result, null, TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "http_upload failed",
                detail: e.Message, extensions: new Dictionary<string, object?> { ["id"] = job.Id }));
        }
    }

    /// <summary>The response with the uploaded URLs in place of base64 images.</summary>
    public static TResponse WithUploads<TResponse>(TResponse response, IReadOnlyList<string>? urls) where TResponse : PromptResponse =>
        urls is null ? response : response with { Images = urls };

    private async Task DeliverWhenDoneAsync(JobRequest job, JsonObject echo)
    {
        try
        {
            await DeliverAsync(job, echo);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Delivering the result of job {JobId} failed", job.Id);
        }
    }

    private async Task DeliverAsync(JobRequest job, JsonObject echo)
    {
        JobRecord record;
        try
        {
            record = await store.WaitForEndAsync(job.Id, lifetime.ApplicationStopping);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Job {JobId} did not end before shutdown; its webhooks and uploads were not sent", job.Id);
            return;
        }

        var delivery = job.Delivery;
        var v2 = delivery.WebhookV2 is null ? null : new Uri(delivery.WebhookV2);
        var legacy = delivery.Webhook is null ? null : new Uri(delivery.Webhook);
        if (record.Failure is { } failure)
        {
            if (v2 is not null) dispatcher.Enqueue(new WebhookMessage(job.Id, v2, WebhookBodies.Failed(echo, job, failure, time.GetUtcNow()), Signed: true, "prompt.failed"));
            if (legacy is not null) dispatcher.Enqueue(new WebhookMessage(job.Id, legacy, WebhookBodies.LegacyFailed(job, failure), Signed: false, "prompt.failed (legacy)"));
            if (v2 is null && legacy is null) logger.LogWarning("Job {JobId} failed ({Error}); nothing was uploaded", job.Id, failure.Message);
            return;
        }

        var result = record.Result!;
        IReadOnlyList<string>? urls = null;
        // As in the recipe, the legacy webhook takes precedence over an upload key, which is then ignored.
        if (legacy is null && HttpUploadRequest.Parse(delivery.HttpUpload, new Dictionary<string, string[]>()) is { } upload)
        {
            try
            {
                (urls, var elapsed) = await uploader.UploadAsync(job.Id, result.Files, upload, lifetime.ApplicationStopping);
                result = WithUploadTime(job, result, elapsed);
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

    private JobResult WithUploadTime(JobRequest job, JobResult result, TimeSpan elapsed) =>
        result with { Stats = result.Stats with { Upload = elapsed, Total = time.GetUtcNow() - job.ReceivedAt } };

    private async Task CheckUrlAsync(string field, string? url, IDictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        if (url is null) return;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            errors[field] = ["must be an absolute http or https URL"];
            return;
        }

        var check = await guard.ValidateAsync(uri, cancellationToken);
        if (!check.Allowed) errors[field] = [$"refused: {check.Reason}"];
    }
}
