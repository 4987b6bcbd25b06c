using System.Net.Sockets;

namespace FluxAspire.Api.Delivery.Outbound;

/// <summary>
/// The primary handler of the "outbound" client. It resolves the host itself, checks every answer and connects to
/// exactly those checked addresses, so a name that resolved to a public address during validation cannot be
/// re-resolved to 127.0.0.1 at connect time (DNS rebinding).
/// </summary>
internal static class OutboundConnector
{
    public static SocketsHttpHandler CreateHandler(IOutboundUrlGuard guard, OutboundUrlsOptions options) => new()
    {
        AllowAutoRedirect = false, // OutboundRedirectHandler follows redirects, re-checking each hop
        UseProxy = false,          // a proxy would connect on our behalf, past the address checks
        UseCookies = false,
        ConnectTimeout = options.ConnectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        ConnectCallback = (context, cancellationToken) => ConnectAsync(guard, context, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(IOutboundUrlGuard guard, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var addresses = await OutboundUrlGuard.ResolveAsync(host, cancellationToken);
        if (!guard.IsAllowListed(host, port))
        {
            var reason = OutboundAddressRules.RefuseHost(host) ?? OutboundUrlGuard.FirstRefusal(addresses);
            if (reason is not null)
                throw new OutboundUrlRefusedException(context.InitialRequestMessage.RequestUri!, $"host '{host}' resolves to {reason}");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
