namespace FluxAspire.Api.Delivery.Credentials;

public static class AuthenticatedRequest
{
    /// <summary>A GET for <paramref name="url"/> carrying <paramref name="auth"/> (if any).</summary>
    public static HttpRequestMessage Get(Uri url, UrlAuth? auth)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, auth?.Address(url) ?? url);
        auth?.Apply(request);
        return request;
    }
}
