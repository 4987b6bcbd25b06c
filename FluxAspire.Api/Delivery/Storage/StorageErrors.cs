using System.Net;
using Amazon.Runtime;
using Azure;

namespace FluxAspire.Api.Delivery.Storage;

/// <summary>What the storages' errors mean here: which are worth another attempt, and the code each one names.</summary>
internal static class StorageErrors
{
    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeTooSkewed", "InternalError",
        "ServiceUnavailable", "ServerBusy", "OperationTimedOut", "InternalServerError",
    };

    /// <summary>Throttling (429, SlowDown, ServerBusy), 5xx, timeouts and network errors; not our own cancellation.</summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        AmazonServiceException s3 when s3.StatusCode != 0 || s3.ErrorCode is not null =>
            IsTransient((int)s3.StatusCode) || (s3.ErrorCode is { } code && TransientCodes.Contains(code)),
        RequestFailedException azure when azure.Status != 0 => IsTransient(azure.Status) || (azure.ErrorCode is { } code && TransientCodes.Contains(code)),
        HubException hub => IsTransient((int)hub.Status),
        HttpRequestException or IOException or TimeoutException => true,
        AmazonClientException or RequestFailedException => exception.InnerException is { } inner && IsTransient(inner, cancellationToken),
        _ => false,
    };

    private static bool IsTransient(int status) => status is (int)HttpStatusCode.TooManyRequests or (int)HttpStatusCode.RequestTimeout or >= 500;

    /// <summary>The storage's own error code and HTTP status ("NoSuchBucket, HTTP 404"), or what kind of failure it was.
    /// Never the exception's message, which for some SDK errors quotes request headers.</summary>
    public static string Code(Exception exception) => exception switch
    {
        AmazonServiceException { StatusCode: not 0 } s3 => $"{s3.ErrorCode ?? "error"}, HTTP {(int)s3.StatusCode}",
        RequestFailedException { Status: not 0 } azure => $"{azure.ErrorCode ?? "error"}, HTTP {azure.Status}",
        HubException hub => hub.Code,
        OperationCanceledException => "timed out",
        HttpRequestException http => http.HttpRequestError == HttpRequestError.Unknown ? "network error" : http.HttpRequestError.ToString(),
        AmazonClientException client when client.InnerException is { } inner && inner is not AmazonClientException => Code(inner),
        AmazonClientException client when client.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) => "no AWS credentials found",
        RequestFailedException failed when failed.InnerException is { } inner => Code(inner),
        _ => exception.GetType().Name,
    };
}

/// <summary>An answer of the Hugging Face Hub other than success: its status and its error text (X-Error-Code or the body's
/// "error"), which never echoes the token.</summary>
public sealed class HubException(HttpStatusCode status, string code) : Exception($"Hugging Face Hub answered {code}")
{
    public HttpStatusCode Status { get; } = status;

    public string Code { get; } = code;
}
