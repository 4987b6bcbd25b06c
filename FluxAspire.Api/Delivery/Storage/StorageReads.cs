using Amazon.S3;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Delivery.SystemWebhooks;
using FluxAspire.Api.Operations.Resilience;
using Polly.Registry;

namespace FluxAspire.Api.Delivery.Storage;

/// <summary>An object read from storage: its bytes as a stream (the caller disposes it and caps what it reads), its
/// length and content type as the storage states them.</summary>
public sealed record StorageObject(Stream Content, long? Length, string? ContentType) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>A storage URL that could not be read: the reason names the provider, bucket or container and the storage's
/// error code, never a credential (said to the client in a 400).</summary>
public sealed class StorageReadException(string reason, Exception? inner = null) : Exception(reason, inner)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Image inputs, model URLs and POST /download from storage: s3://bucket/key (the server's S3, or the request's s3 keys
/// matching the URL, whose custom endpoint must pass the SSRF guard) and blob URLs of the server's Azure account (read
/// with its credentials, so private containers work). Any other http(s) URL, a SAS URL of another account for instance,
/// is an ordinary download through the SSRF-guarded client. Opening is retried through the storage pipeline.
/// </summary>
public sealed class StorageReads(S3Storage s3, AzureBlobStorage azure, StorageProviders providers, ResiliencePipelineProvider<string> pipelines,
    SystemWebhookNotifier systemWebhooks, TimeProvider time)
{
    /// <summary>True for s3:// URLs and this server's blob URLs: read here, not through the http client (and not through
    /// the SSRF guard, which only knows http).</summary>
    public bool Handles(Uri url) => IsS3(url) || azure.ParseOwnBlob(url) is not null;

    public static bool IsS3(Uri url) => url.IsAbsoluteUri && url.Scheme == "s3";

    /// <summary>"bucket", "key" of s3://bucket/key, or null.</summary>
    public static (string Bucket, string Key)? ParseS3(Uri url)
    {
        if (!IsS3(url)) return null;
        var rest = url.OriginalString[(url.OriginalString.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1) return null;
        var key = rest[(slash + 1)..];
        var end = key.IndexOfAny(['?', '#']);
        return (rest[..slash], end < 0 ? key : key[..end]);
    }

    public async Task<StorageObject> OpenAsync(Uri url, UrlAuth? auth, CancellationToken cancellationToken)
    {
        var opened = IsS3(url) ? await OpenS3Async(url, auth, cancellationToken) : await OpenBlobAsync(url, cancellationToken);
        systemWebhooks.OnStorageEvent(SystemWebhookEvents.FileDownloaded, null, url, size: opened.Length);
        return opened;
    }

    private async Task<StorageObject> OpenS3Async(Uri url, UrlAuth? auth, CancellationToken cancellationToken)
    {
        if (ParseS3(url) is not var (bucket, key)) throw new StorageReadException("an s3 URL must look like s3://bucket/key");
        if (providers.S3 is null && auth is not UrlAuth.S3Keys)
        {
            throw new StorageReadException("s3:// URLs need S3 configured on this server (AWS_REGION) or s3 credentials for the URL");
        }

        IAmazonS3 client;
        bool owned;
        try
        {
            (client, owned) = await s3.ClientForAsync(auth, cancellationToken);
        }
        catch (OutboundUrlRefusedException refused)
        {
            throw new StorageReadException($"the s3 endpoint is not allowed: {refused.Reason}");
        }

        try
        {
            var response = await Retried($"s3 read of bucket '{bucket}'", token => S3Storage.GetAsync(client, bucket, key, token), cancellationToken);
            return new StorageObject(new OwnedStream(response.ResponseStream, owned ? [response, client] : [response]), response.ContentLength, response.Headers.ContentType);
        }
        catch
        {
            if (owned) client.Dispose();
            throw;
        }
    }

    private async Task<StorageObject> OpenBlobAsync(Uri url, CancellationToken cancellationToken)
    {
        var (container, blob) = azure.ParseOwnBlob(url) ?? throw new StorageReadException("not a blob URL of this server's Azure account");
        var (content, length, type) = await Retried($"azure_blob read of container '{container}'", token => azure.OpenAsync(container, blob, token), cancellationToken);
        return new StorageObject(content, length, type);
    }

    private async Task<T> Retried<T>(string what, Func<CancellationToken, Task<T>> open, CancellationToken cancellationToken)
    {
        try
        {
            return await pipelines.GetPipeline(ResiliencePipelines.Storage).ExecuteAsync(time, async token => await open(token), null, cancellationToken);
        }
        catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new StorageReadException($"{what} failed: {StorageErrors.Code(e)}", e);
        }
    }

    /// <summary>The object's stream, disposing the SDK response (and a per-request client) with it.</summary>
    private sealed class OwnedStream(Stream inner, IDisposable[] owners) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                foreach (var owner in owners) owner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
