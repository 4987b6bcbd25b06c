using StackExchange.Redis;

namespace FluxAspire.Api.Cluster;

/// <summary>
/// What a Redis call throws when Redis is away, slow or restarting: the client's own exceptions, a timeout, the socket's
/// I/O error passed through as is (a reset connection), or a cancelled task that nobody here cancelled.
/// </summary>
internal static class RedisFailures
{
    public static bool IsOutage(Exception exception, CancellationToken cancellationToken = default) => exception switch
    {
        RedisException or TimeoutException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
