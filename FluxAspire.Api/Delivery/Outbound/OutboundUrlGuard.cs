using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Delivery.Outbound;

public sealed class OutboundUrlGuard(IOptionsMonitor<OutboundUrlsOptions> options) : IOutboundUrlGuard
{
    public async Task<OutboundUrlCheck> ValidateAsync(Uri url, CancellationToken cancellationToken = default)
    {
        if (!url.IsAbsoluteUri) return OutboundUrlCheck.Refused("must be an absolute http or https URL");
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            return OutboundUrlCheck.Refused($"scheme '{url.Scheme}' is not allowed (only http and https)");
        if (!string.IsNullOrEmpty(url.UserInfo)) return OutboundUrlCheck.Refused("credentials in the URL are not allowed");
        var host = url.IdnHost;
        if (IsAllowListed(host, url.Port)) return OutboundUrlCheck.Ok;

        var hostReason = OutboundAddressRules.RefuseHost(host);
        if (hostReason is not null) return OutboundUrlCheck.Refused(hostReason);

        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, cancellationToken);
        }
        catch (SocketException e)
        {
            return OutboundUrlCheck.Refused($"host '{host}' does not resolve ({e.SocketErrorCode})");
        }
        var refused = FirstRefusal(addresses);
        return refused is null ? OutboundUrlCheck.Ok : OutboundUrlCheck.Refused($"host '{host}' resolves to {refused}");
    }

    public bool IsAllowListed(string host, int port)
    {
        var bare = host.Trim('[', ']').TrimEnd('.');
        foreach (var entry in options.CurrentValue.Allow)
        {
            var separator = entry.LastIndexOf(':');
            if (separator <= 0 || !int.TryParse(entry.AsSpan(separator + 1), out var allowedPort)) continue;
            var allowedHost = entry[..separator].Trim().Trim('[', ']').TrimEnd('.');
            if (allowedPort == port && string.Equals(allowedHost, bare, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    internal static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        if (IPAddress.TryParse(bare, out var literal)) return [literal];
        var addresses = await Dns.GetHostAddressesAsync(bare, cancellationToken);
        if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
        return addresses;
    }

    /// <summary>Every answer must pass: a name that resolves to one public and one private address is refused.</summary>
    internal static string? FirstRefusal(IEnumerable<IPAddress> addresses)
    {
        foreach (var address in addresses)
        {
            var reason = OutboundAddressRules.RefuseAddress(address);
            if (reason is not null) return reason;
        }
        return null;
    }
}
