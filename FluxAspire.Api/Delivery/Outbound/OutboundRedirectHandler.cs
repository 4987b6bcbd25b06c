using System.Net;
using System.Runtime.ExceptionServices;
using FluxAspire.Api.Delivery.Credentials;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Delivery.Outbound;

/// <summary>Checks the first URL and follows redirects by hand (at most OutboundUrls:MaxRedirects), checking every hop.</summary>
internal sealed class OutboundRedirectHandler(IOutboundUrlGuard guard, IOptionsMonitor<OutboundUrlsOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var maxRedirects = options.CurrentValue.MaxRedirects;
        for (var hop = 0; ; hop++)
        {
            var url = request.RequestUri ?? throw new InvalidOperationException("An outbound request needs an absolute URL.");
            var check = await guard.ValidateAsync(url, cancellationToken);
            if (!check.Allowed) throw new OutboundUrlRefusedException(url, check.Reason!);

            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (e.InnerException is OutboundUrlRefusedException refused)
            {
                ExceptionDispatchInfo.Throw(refused);
                throw;
            }

            if (!IsRedirect(response.StatusCode) || response.Headers.Location is null) return response;
            if (hop >= maxRedirects)
            {
                response.Dispose();
                throw new HttpRequestException($"{url.GetLeftPart(UriPartial.Path)}: more than {maxRedirects} redirects");
            }
            var next = new Uri(url, response.Headers.Location);
            var status = response.StatusCode;
            response.Dispose();
            request = Follow(request, next, status);
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static HttpRequestMessage Follow(HttpRequestMessage previous, Uri next, HttpStatusCode status)
    {
        // 307/308 repeat the method and body; 303 (and 301/302 after a POST, like browsers) become a bodiless GET.
        var keepMethod = status is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect
            || ((status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found) && previous.Method != HttpMethod.Post);
        var request = new HttpRequestMessage(keepMethod ? previous.Method : HttpMethod.Get, next)
        {
            Version = previous.Version,
            VersionPolicy = previous.VersionPolicy,
            Content = keepMethod ? previous.Content : null,
        };
        var sameOrigin = Uri.Compare(previous.RequestUri, next, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
        // A request's own credential header (credentials[].auth type "header") is as secret as Authorization.
        previous.Options.TryGetValue(UrlAuth.SecretHeaderKey, out var secretHeader);
        if (secretHeader is not null) request.Options.Set(UrlAuth.SecretHeaderKey, secretHeader);
        foreach (var header in previous.Headers)
        {
            if (!sameOrigin && (header.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || header.Key.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
                || header.Key.Equals(secretHeader, StringComparison.OrdinalIgnoreCase))) continue;
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        request.Headers.Host = null;
        return request;
    }
}
