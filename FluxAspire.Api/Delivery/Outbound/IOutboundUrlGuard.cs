namespace FluxAspire.Api.Delivery.Outbound;

/// <summary>
/// Decides whether a URL named in a request may be called: http/https only, and (unless its exact host:port is in
/// OutboundUrls:Allow) every DNS answer must be a public unicast address.
/// </summary>
public interface IOutboundUrlGuard
{
    /// <summary>Checks the scheme, the host name and every address it resolves to. Never throws for a bad URL.</summary>
    Task<OutboundUrlCheck> ValidateAsync(Uri url, CancellationToken cancellationToken = default);

    /// <summary>True when "host:port" is exempt from the address rules.</summary>
    bool IsAllowListed(string host, int port);
}

/// <summary>The guard's verdict; <see cref="Reason"/> says why a URL was refused (safe to show the caller).</summary>
public sealed record OutboundUrlCheck(bool Allowed, string? Reason)
{
    public static OutboundUrlCheck Ok { get; } = new(true, null);
    public static OutboundUrlCheck Refused(string reason) => new(false, reason);
}
