using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Delivery.Storage;

/// <summary>
/// S3 through the AWS SDK: the server's client (region, endpoint and credentials from the standard AWS environment,
/// <see cref="S3Settings"/>) or, for a request whose credentials hold {type:"s3"} keys matching the s3:// URL, a client
/// with those keys (and their region and endpoint; a custom endpoint must pass the SSRF guard). Uploads are multipart
/// from Storage:MultipartThresholdBytes. The SDK's own retries are off: each call is
/// retried by the caller's Polly pipeline.
/// </summary>
public sealed class S3Storage(StorageProviders providers, IOptions<StorageOptions> options, IOutboundUrlGuard guard) : IDisposable
{
    private readonly Lazy<AmazonS3Client> _server = new(() => CreateClient(providers.S3!, null, options.Value));

    /// <summary>The client for <paramref name="url"/>: the request's matching s3 keys, else the server's. The caller
    /// disposes <c>Owned</c> clients.</summary>
    public async Task<(IAmazonS3 Client, bool Owned)> ClientForAsync(UrlAuth? auth, CancellationToken cancellationToken)
    {
        if (auth is UrlAuth.S3Keys keys)
        {
            if (keys.Endpoint is { } endpoint)
            {
                var check = await guard.ValidateAsync(endpoint, cancellationToken);
                if (!check.Allowed) throw new OutboundUrlRefusedException(endpoint, check.Reason ?? "refused");
            }

            var settings = new S3Settings(keys.Region ?? providers.S3?.Region ?? "us-east-1", keys.Endpoint ?? providers.S3?.Endpoint,
                keys.Endpoint is not null || providers.S3?.ForcePathStyle == true);
            return (CreateClient(settings, keys, options.Value), true);
        }

        if (providers.S3 is null) throw new InvalidOperationException("S3 is not configured (AWS_REGION)");
        return (_server.Value, false);
    }

    /// <summary>One object: a single PUT below Storage:MultipartThresholdBytes, else a multipart upload of
    /// Storage:PartSizeBytes parts (aborted when a part fails, so no orphaned parts are billed). Payloads are signed whole,
    /// not as aws-chunked streams, which S3-compatible stores do not all decode.</summary>
    public async Task UploadAsync(IAmazonS3 client, string bucket, string key, OutputBytes content, string contentType, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (content.Length < settings.MultipartThresholdBytes)
        {
            await using var body = content.OpenRead();
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = key,
                InputStream = body,
                AutoCloseStream = false,
                ContentType = contentType,
                UseChunkEncoding = false,
            }, cancellationToken);
            return;
        }

        var started = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = contentType }, cancellationToken);
        try
        {
            var parts = new List<PartETag>();
            var partSize = settings.PartSizeBytes;
            for (long offset = 0, number = 1; offset < content.Length; offset += partSize, number++)
            {
                await using var body = content.OpenRead();
                body.Position = offset;
                var size = Math.Min(partSize, content.Length - offset);
                var part = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = started.UploadId,
                    PartNumber = (int)number,
                    InputStream = body,
                    PartSize = size,
                    IsLastPart = offset + size >= content.Length,
                    UseChunkEncoding = false,
                }, cancellationToken);
                parts.Add(new PartETag((int)number, part.ETag));
            }

            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = started.UploadId,
                PartETags = parts,
            }, cancellationToken);
        }
        catch
        {
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = started.UploadId }, CancellationToken.None);
            throw;
        }
    }

    public static async Task<GetObjectResponse> GetAsync(IAmazonS3 client, string bucket, string key, CancellationToken cancellationToken) =>
        await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);

    private static AmazonS3Client CreateClient(S3Settings settings, UrlAuth.S3Keys? keys, StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = settings.ForcePathStyle,
            MaxErrorRetry = 0,
            Timeout = options.AttemptTimeout,
            // Checksums only where S3 requires them: S3-compatible stores (and the emulator) do not all take the SDK's
            // default trailing CRC32 (aws-chunked) bodies.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (settings.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = settings.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(settings.Region);
        }

        if (keys is null) return new AmazonS3Client(config);
        AWSCredentials credentials = keys.SessionToken is { } token
            ? new SessionAWSCredentials(keys.AccessKeyId, keys.SecretAccessKey, token)
            : new BasicAWSCredentials(keys.AccessKeyId, keys.SecretAccessKey);
        return new AmazonS3Client(credentials, config);
    }

    public void Dispose()
    {
        if (_server.IsValueCreated) _server.Value.Dispose();
    }
}
