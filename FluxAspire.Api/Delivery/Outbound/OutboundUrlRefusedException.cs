namespace FluxAspire.Api.Delivery.Outbound;

/// <summary>An outbound call (or one of its redirects) named a URL the guard refuses.</summary>
public sealed class OutboundUrlRefusedException(Uri url, string reason)
    : Exception($"Refused to call {url.GetLeftPart(UriPartial.Authority)}: {reason}")
{
    public Uri Url { get; } = url;
    public string Reason { get; } = reason;
}
