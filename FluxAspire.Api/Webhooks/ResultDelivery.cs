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
/// job in the background, delivered by <see cref="BackgroundDelivery"/> when it ends) or, after a synchronous run,
/// <see cref="UploadIfAskedAsync"/>.
/// </summary>
public sealed class ResultDelivery(
    IOutboundUrlGuard guard,
    JobService jobs,
    HttpUploader uploader,
    TimeProvider time)
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
            // The replica that ends the job delivers it (BackgroundDelivery), from the echo the job carries.
            await jobs.SubmitAsync(job with { Echo = echo }, CancellationToken.None);
        }
        catch (DuplicateJobException duplicate)
        {
            return (null, ApiProblems.DuplicateId(duplicate.Id));
        }

        return (accepted, null);
    }

    /// <summary>After a synchronous run: uploads the outputs when http_upload asks (Urls then replace the images).</summary>
    public async Task<(JobResult Result, IReadOnlyList<string>? Urls, ProblemHttpResult? Problem)> UploadIfAskedAsync(
        JobRequest job, JobResult result, CancellationToken cancellationToken)
    {
        if (HttpUploadRequest.Parse(job.Delivery.HttpUpload, new Dictionary<string, string[]>()) is not { } upload) return (result, null, null);
        try
        {
            var (urls, elapsed) = await uploader.UploadAsync(job.Id, result.Files, upload, cancellationToken);
            return (WithUploadTime(job, result, elapsed, time.GetUtcNow()), urls, null);
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

    internal static JobResult WithUploadTime(JobRequest job, JobResult result, TimeSpan elapsed, DateTimeOffset now) =>
        result with { Stats = result.Stats with { Upload = elapsed, Total = now - job.ReceivedAt } };

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
