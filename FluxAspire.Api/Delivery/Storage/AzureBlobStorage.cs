using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Delivery.Storage;

/// <summary>
/// Azure Blob Storage through Azure.Storage.Blobs, with the server's account (<see cref="AzureBlobSettings"/>). Large
/// files go as staged blocks from Storage:MultipartThresholdBytes. The SDK's own retries are off: each call is retried by
/// the caller's Polly pipeline. Blob URLs of this account (its https://&lt;account&gt;.blob.core.windows.net address, or
/// the emulator's) are read with the same credentials.
/// </summary>
public sealed class AzureBlobStorage(StorageProviders providers, IOptions<StorageOptions> options)
{
    private readonly Lazy<BlobServiceClient> _service = new(() => Create(providers.Azure!, options.Value));

    public BlobServiceClient Service => providers.Azure is null
        ? throw new InvalidOperationException("Azure Blob Storage is not configured (AZURE_STORAGE_CONNECTION_STRING)")
        : _service.Value;

    /// <summary>The blob's public address (no SAS): what the response's images list.</summary>
    public Uri BlobUri(string container, string blob) => Service.GetBlobContainerClient(container).GetBlobClient(blob).Uri;

    public async Task UploadAsync(string container, string blob, Stream content, string contentType, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var client = Service.GetBlobContainerClient(container).GetBlobClient(blob);
        await client.UploadAsync(content, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            TransferOptions = new StorageTransferOptions
            {
                InitialTransferSize = settings.MultipartThresholdBytes,
                MaximumTransferSize = settings.PartSizeBytes,
            },
        }, cancellationToken);
    }

    /// <summary>(container, blob) when <paramref name="url"/> is a blob of this server's account; null otherwise (then it
    /// is an ordinary http(s) URL, a SAS URL for instance, fetched through the SSRF guard).</summary>
    public (string Container, string Blob)? ParseOwnBlob(Uri url)
    {
        if (providers.Azure is null) return null;
        var service = Service.Uri;
        if (!string.Equals(url.Scheme, service.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(url.Host, service.Host, StringComparison.OrdinalIgnoreCase) || url.Port != service.Port)
        {
            return null;
        }

        var root = service.AbsolutePath.TrimEnd('/') + "/";
        if (!url.AbsolutePath.StartsWith(root, StringComparison.Ordinal)) return null;
        var rest = url.AbsolutePath[root.Length..];
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1) return null;
        return (Uri.UnescapeDataString(rest[..slash]), Uri.UnescapeDataString(rest[(slash + 1)..]));
    }

    public async Task<(Stream Content, long Length, string? ContentType)> OpenAsync(string container, string blob, CancellationToken cancellationToken)
    {
        var result = await Service.GetBlobContainerClient(container).GetBlobClient(blob).DownloadStreamingAsync(cancellationToken: cancellationToken);
        var value = result.Value;
        return (value.Content, value.Details.ContentLength, value.Details.ContentType);
    }

    private static BlobServiceClient Create(AzureBlobSettings settings, StorageOptions options)
    {
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = options.AttemptTimeout;
        if (settings.ConnectionString is { } connection) return new BlobServiceClient(connection, clientOptions);
        if (settings.Key is { } key) return new BlobServiceClient(settings.ServiceUri!, new StorageSharedKeyCredential(settings.Account!, key), clientOptions);
        return new BlobServiceClient(settings.ServiceUri!, new AzureSasCredential(settings.SasToken!), clientOptions);
    }
}
