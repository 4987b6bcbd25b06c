using Microsoft.Net.Http.Headers;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>
/// The cache's part of one HTTP request (an HttpContext feature, one per request): what the caller's Cache-Control
/// allows, read by the endpoint into its Submission, and whether the endpoint answered from the cache (the X-Cache
/// header that <see cref="ResultCacheFilter"/> writes).
/// </summary>
public sealed class CacheDirective
{
    public const string Header = "X-Cache";

    /// <summary>Cache-Control: no-cache: don't serve a stored result; the fresh one is still stored.</summary>
    public bool NoCache { get; init; }

    /// <summary>Cache-Control: no-store: neither serve nor store.</summary>
    public bool NoStore { get; init; }

    /// <summary>Set when the response is served from the cache.</summary>
    public bool Hit { get; set; }

    /// <summary>The request's directive, read from its headers the first time it is asked for.</summary>
    public static CacheDirective Of(HttpContext http)
    {
        if (http.Features.Get<CacheDirective>() is { } directive)
        {
            return directive;
        }

        directive = From(http.Request);
        http.Features.Set(directive);
        return directive;
    }

    public static CacheDirective From(HttpRequest request)
    {
        var noCache = false;
        var noStore = false;
        if (CacheControlHeaderValue.TryParse(request.Headers.CacheControl.ToString(), out var cacheControl))
        {
            noCache = cacheControl.NoCache;
            noStore = cacheControl.NoStore;
        }

        // HTTP/1.0 clients say it this way.
        noCache |= request.Headers.Pragma.Any(p => string.Equals(p?.Trim(), "no-cache", StringComparison.OrdinalIgnoreCase));
        return new CacheDirective { NoCache = noCache, NoStore = noStore };
    }
}
