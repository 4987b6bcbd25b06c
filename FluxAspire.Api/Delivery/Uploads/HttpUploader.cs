using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Delivery.SystemWebhooks;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Delivery.Uploads;

/// <summary>PUTs a job's outputs to url_prefix/filename through the SSRF-guarded client.</summary>
public sealed class HttpUploader(IHttpClientFactory httpClientFactory, SystemWebhookNotifier systemWebhooks, ILogger<HttpUploader> logger)
{
    private const int Attempts = 3;

    /// <summary>The uploaded URLs in output order, and the time spent. Throws <see cref="HttpUploadException"/>.</summary>
    public async Task<(IReadOnlyList<string> Urls, TimeSpan Elapsed)> UploadAsync(string jobId, IReadOnlyList<JobOutputFile> files,
        HttpUploadRequest upload, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var http = httpClientFactory.CreateClient(OutboundHttp.ClientName);
        var urls = await Task.WhenAll(files.Select(async file =>
        {
            var url = upload.UrlFor(file.Filename);
            using (var activity = DeliveryTelemetry.StartUpload(jobId, file.Filename, file.Content.Length))
            {
                try
                {
                    await PutAsync(http, jobId, url, file, cancellationToken);
                    DeliveryTelemetry.Uploaded(file.Content.Length);
                }
                catch (HttpUploadException e)
                {
                    DeliveryTelemetry.UploadFailed(activity, e.Reason);
                    throw;
                }
            }

            systemWebhooks.OnStorageEvent(SystemWebhookEvents.FileUploaded, jobId, url, size: file.Content.Length);
            return url.ToString();
        }));
        return (urls, clock.Elapsed);
    }

    private async Task PutAsync(HttpClient http, string jobId, Uri url, JobOutputFile file, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            string outcome;
            try
            {
                // Streamed from the output's bytes, with their Content-Length: no copy per attempt.
                using var content = new StreamContent(file.Content.OpenRead());
                content.Headers.ContentType = new MediaTypeHeaderValue(ContentTypes.ForFile(file.Filename));
                using var response = await http.PutAsync(url, content, cancellationToken);
                if (response.IsSuccessStatusCode) return;
                outcome = $"answered HTTP {(int)response.StatusCode}";
                if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
                    throw new HttpUploadException(file.Filename, outcome);
            }
            catch (OutboundUrlRefusedException refused)
            {
                throw new HttpUploadException(file.Filename, $"refused: {refused.Reason}", refusedByGuard: true);
            }
            catch (HttpRequestException e)
            {
                outcome = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = "timed out";
            }

            if (attempt >= Attempts) throw new HttpUploadException(file.Filename, outcome);
            logger.LogInformation("Upload of {Filename} for job {JobId} failed ({Outcome}); retrying", file.Filename, jobId, outcome);
            await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt), cancellationToken);
        }
    }
}

public sealed class HttpUploadException(string filename, string reason, bool refusedByGuard = false)
    : Exception($"http_upload of {filename} failed: {reason}")
{
    /// <summary>The URL (or a redirect from it) names an address the SSRF guard refuses: the caller's mistake.</summary>
    public bool RefusedByGuard { get; } = refusedByGuard;

    public string Reason { get; } = reason;
}
