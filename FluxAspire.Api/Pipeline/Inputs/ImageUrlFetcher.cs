using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Delivery.Storage;
using FluxAspire.Api.Delivery.SystemWebhooks;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>
/// Downloads an image input URL through the shared "outbound" HttpClient, which carries the SSRF guard (loopback,
/// private, link-local and metadata addresses refused, redirects and DNS answers re-checked). Adds the input's own limits:
/// an image/* content type, a size cap (checked while reading, not just from Content-Length) and a timeout. s3:// URLs and
/// blob URLs of the server's Azure account are read from the storage instead (<see cref="StorageReads"/>), with the same
/// size cap and timeout, their type told by their bytes.
/// </summary>
public sealed class ImageUrlFetcher(IHttpClientFactory httpClientFactory, IOptions<ImageInputOptions> options, SystemWebhookNotifier systemWebhooks,
    StorageReads storage)
{
    /// <summary>The image, or the reason it could not be fetched (said to the client, so no internals).</summary>
    public async Task<ImageInputValue> FetchAsync(Uri url, CancellationToken cancellationToken) => await FetchAsync(url, null, cancellationToken);

    /// <summary>As above, authenticated with the request's matching credential (never shown in the reason).</summary>
    public async Task<ImageInputValue> FetchAsync(Uri url, UrlAuth? auth, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.FetchTimeout);
        if (storage.Handles(url))
        {
            return await FetchFromStorageAsync(url, auth, settings, timeout.Token, cancellationToken);
        }

        try
        {
            using var request = AuthenticatedRequest.Get(url, auth);
            using var response = await httpClientFactory.CreateClient(OutboundHttp.ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return Refused($"the server answered {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentType is not { MediaType: { } mediaType } || !IsImage(mediaType))
            {
                return Refused($"the content type is {response.Content.Headers.ContentType?.MediaType ?? "missing"}, not image/*");
            }

            if (response.Content.Headers.ContentLength > settings.MaxBytes)
            {
                return Refused($"the image is larger than {settings.MaxBytes} bytes");
            }

            var content = await ReadCappedAsync(response.Content, settings.MaxBytes, timeout.Token);
            if (content is null)
            {
                return Refused($"the image is larger than {settings.MaxBytes} bytes");
            }

            systemWebhooks.OnStorageEvent(SystemWebhookEvents.FileDownloaded, null, url, size: content.Length);
            return ImageFormat.Sniff(content) is { } format
                ? new ImageInputValue.Inline(content, format)
                : Refused($"the content is not a {ImageFormat.Accepted} image");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Refused($"the download took longer than {settings.FetchTimeout.TotalSeconds:0.###} s");
        }
        catch (OutboundUrlRefusedException refused)
        {
            return new ImageInputValue.Refused($"the URL is not allowed: {refused.Reason}");
        }
        catch (HttpRequestException ex) when (ex.InnerException is OutboundUrlRefusedException refused)
        {
            return new ImageInputValue.Refused($"the URL is not allowed: {refused.Reason}");
        }
        catch (HttpRequestException ex)
        {
            return Refused(ex.HttpRequestError == HttpRequestError.Unknown ? ex.Message : ex.HttpRequestError.ToString());
        }
    }

    private async Task<ImageInputValue> FetchFromStorageAsync(Uri url, UrlAuth? auth, ImageInputOptions settings, CancellationToken timeout,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var opened = await storage.OpenAsync(url, auth, timeout);
            if (opened.Length > settings.MaxBytes)
            {
                return Refused($"the image is larger than {settings.MaxBytes} bytes");
            }

            var content = await ReadCappedAsync(opened.Content, settings.MaxBytes, timeout);
            if (content is null)
            {
                return Refused($"the image is larger than {settings.MaxBytes} bytes");
            }

            return ImageFormat.Sniff(content) is { } format
                ? new ImageInputValue.Inline(content, format)
                : Refused($"the content is not a {ImageFormat.Accepted} image");
        }
        catch (StorageReadException e)
        {
            return Refused(e.Reason);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Refused($"the download took longer than {settings.FetchTimeout.TotalSeconds:0.###} s");
        }
    }

    private static bool IsImage(string mediaType) => mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase);

    private static ImageInputValue.Refused Refused(string why) => new($"could not download the image: {why}");

    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        return await ReadCappedAsync(stream, maxBytes, cancellationToken);
    }

    private static async Task<byte[]?> ReadCappedAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
