
namespace FluxAspire.Api.Pipeline.Downloads;

/// <summary>A download failed; <see cref="Exception.Message"/> is safe to show the caller (no secrets, no query string).</summary>
public sealed class ModelDownloadException(string message, bool isClientError = true, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when the URL or its server is at fault (400); false when our side failed (disk, config).</summary>
    public bool IsClientError { get; } = isClientError;
}
