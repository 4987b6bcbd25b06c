namespace FluxAspire.Api.Delivery.Storage;

/// <summary>
/// An upload or a read that the storage refused or that could not reach it, after the retries. The message names the
/// provider, the bucket or container (or repo) and the storage's own error code, and never a credential: it is said to
/// the client (a 502 problem, a prompt.failed webhook) and logged.
/// </summary>
public sealed class StorageUploadException(string provider, string target, string code, string? detail = null, Exception? inner = null)
    : Exception($"{provider} upload to {target} failed: {code}{(detail is null ? "" : $" ({detail})")}", inner)
{
    public string Provider { get; } = provider;

    /// <summary>The storage's error code (NoSuchBucket, ContainerNotFound, HTTP 401, …).</summary>
    public string Code { get; } = code;
}
