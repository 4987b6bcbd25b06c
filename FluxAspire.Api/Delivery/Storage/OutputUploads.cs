using System.Diagnostics;
using Amazon.S3;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Delivery.SystemWebhooks;
using FluxAspire.Api.Delivery.Uploads;
using FluxAspire.Api.Operations.Resilience;
using FluxAspire.Api.Pipeline.Jobs;
using Polly;
using Polly.Registry;

namespace FluxAspire.Api.Delivery.Storage;

/// <summary>
/// Puts a job's outputs where its upload key says (<see cref="Pipeline.JobDelivery.Upload"/>: s3, hf_upload,
/// azure_blob_upload or http_upload, the recipe's order when several are present) and returns the URLs the response
/// and webhooks list instead of the images: s3://bucket/key, the blob's URL, the Hub's resolve URL, or url_prefix/file.
/// Each file is tried again on throttling and 5xx through the <see cref="ResiliencePipelines.Storage"/> pipeline.
/// Throws <see cref="StorageUploadException"/> (or <see cref="HttpUploadException"/> for http_upload).
/// </summary>
public sealed partial class OutputUploads(
    HttpUploader http,
    S3Storage s3,
    AzureBlobStorage azure,
    HubStorage hub,
    ResiliencePipelineProvider<string> pipelines,
    SystemWebhookNotifier systemWebhooks,
    TimeProvider time,
    ILogger<OutputUploads> logger)
{
    public async Task<(IReadOnlyList<string> Urls, TimeSpan Elapsed)> UploadAsync(JobRequest job, IReadOnlyList<JobOutputFile> files,
        IUploadTarget target, CancellationToken cancellationToken)
    {
        if (job.CredentialsHeldBy is { } holder && job.UploadCredentials.Count == 0 && target is S3UploadRequest or HfUploadRequest)
        {
            // The worker fails such a job before it runs; this guards the upload itself: never the server's credentials
            // (another account) in place of the request's.
            var where = target is S3UploadRequest s3Target ? $"bucket '{s3Target.Bucket}'" : $"repo '{((HfUploadRequest)target).Repo}'";
            throw new StorageUploadException(target.Field, where, "CredentialsUnavailable", $"the request's credentials stayed on replica {holder}");
        }

        var clock = Stopwatch.StartNew();
        IReadOnlyList<string> urls = target switch
        {
            HttpUploadRequest upload => (await http.UploadAsync(job.Id, files, upload, cancellationToken)).Urls,
            S3UploadRequest upload => await ToS3Async(job, files, upload, cancellationToken),
            AzureBlobUploadRequest upload => await ToAzureAsync(job, files, upload, cancellationToken),
            HfUploadRequest upload => await hub.CommitAsync(job, files, upload, cancellationToken),
            _ => throw new InvalidOperationException($"unknown upload target {target.GetType().Name}"),
        };
        return (urls, clock.Elapsed);
    }

    private async Task<IReadOnlyList<string>> ToS3Async(JobRequest job, IReadOnlyList<JobOutputFile> files, S3UploadRequest upload, CancellationToken cancellationToken)
    {
        var target = $"bucket '{upload.Bucket}'";
        var auth = files.Count > 0 && Uri.TryCreate(upload.UrlFor(files[0].Filename), UriKind.Absolute, out var first) ? job.UploadCredentials.For(first) : null;
        IAmazonS3 client;
        bool owned;
        try
        {
            (client, owned) = await s3.ClientForAsync(auth, cancellationToken);
        }
        catch (OutboundUrlRefusedException refused)
        {
            throw new StorageUploadException(upload.Field, target, "the endpoint is not allowed", refused.Reason);
        }

        try
        {
            return await Task.WhenAll(files.Select(async file =>
            {
                await RetriedAsync(job.Id, upload.Field, target, file, token => s3.UploadAsync(client, upload.Bucket, upload.ObjectKey(file.Filename),
                    file.Content, ContentTypes.ForFile(file.Filename), token), cancellationToken);
                var url = upload.UrlFor(file.Filename);
                if (Uri.TryCreate(url, UriKind.Absolute, out var uploaded))
                {
                    systemWebhooks.OnStorageEvent(SystemWebhookEvents.FileUploaded, job.Id, uploaded, size: file.Content.Length);
                }

                return url;
            }));
        }
        finally
        {
            if (owned) client.Dispose();
        }
    }

    private async Task<IReadOnlyList<string>> ToAzureAsync(JobRequest job, IReadOnlyList<JobOutputFile> files, AzureBlobUploadRequest upload, CancellationToken cancellationToken)
    {
        var target = $"container '{upload.Container}'";
        return await Task.WhenAll(files.Select(async file =>
        {
            var blob = upload.BlobName(file.Filename);
            await RetriedAsync(job.Id, upload.Field, target, file, token => azure.UploadAsync(upload.Container, blob, file.Content.OpenRead(),
                ContentTypes.ForFile(file.Filename), token), cancellationToken);
            var url = azure.BlobUri(upload.Container, blob);
            systemWebhooks.OnStorageEvent(SystemWebhookEvents.FileUploaded, job.Id, url, size: file.Content.Length);
            return url.ToString();
        }));
    }

    /// <summary>One file's upload through the storage pipeline; its last failure becomes a <see cref="StorageUploadException"/>.</summary>
    private async Task RetriedAsync(string jobId, string provider, string target, JobOutputFile file, Func<CancellationToken, Task> upload,
        CancellationToken cancellationToken)
    {
        try
        {
            await pipelines.GetPipeline(ResiliencePipelines.Storage).ExecuteAsync(time, async token =>
            {
                await upload(token);
                return true;
            }, (outcome, attempt, delay) => LogRetry(provider, file.Filename, jobId, attempt + 1, StorageErrors.Code(outcome.Exception!), delay), cancellationToken);
        }
        catch (Exception e) when (e is not StorageUploadException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new StorageUploadException(provider, target, StorageErrors.Code(e), $"file {file.Filename}", e);
        }
    }

    [LoggerMessage(LogLevel.Information, "{Provider} upload of {Filename} for job {JobId} failed (attempt {Attempt}: {Code}); retrying in {Delay}")]
    private partial void LogRetry(string provider, string filename, string jobId, int attempt, string code, TimeSpan delay);
}
