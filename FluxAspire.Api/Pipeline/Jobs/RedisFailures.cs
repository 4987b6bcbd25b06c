using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// What a Redis call throws when Redis is away, slow or restarting: the client's connection errors, a timeout, the socket's
/// I/O error passed through as is (a reset connection) or its pipe's refusal to write after a reset, a cancelled task that nobody here cancelled, or Redis saying it
/// is still loading. Any other error Redis answers is a bug here, and is not retried as if it would pass.
/// </summary>
internal static class RedisFailures
{
    private static readonly string[] TransientServerErrors = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS"];

    public static bool IsOutage(Exception exception, CancellationToken cancellationToken = default) => exception switch
    {
        // An error Redis answers is ours (a bad script, a wrong type) unless it says Redis is not ready yet.
        RedisServerException server => TransientServerErrors.Any(prefix => server.Message.StartsWith(prefix, StringComparison.Ordinal)),
        RedisException or TimeoutException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        // A write racing the socket's reset: the client's pipe (Pipelines.Sockets.Unofficial) refuses it as an invalid
        // operation instead of a connection error (RedisRestartTests caught it as a 500).
        InvalidOperationException when exception.Source is "System.IO.Pipelines" || exception.StackTrace?.Contains("Pipelines.Sockets.Unofficial", StringComparison.Ordinal) == true => true,
        _ => false,
    };
}
