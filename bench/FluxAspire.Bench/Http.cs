namespace FluxAspire.Bench;

internal static class Http
{
    /// <summary>One connection pool for all clients: enough connections that no request queues inside the bench.</summary>
    public static HttpClient Client(Uri baseAddress, int clients, TimeSpan timeout) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = baseAddress,
            Timeout = timeout,
        };
}
