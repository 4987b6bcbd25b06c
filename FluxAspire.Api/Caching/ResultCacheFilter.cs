namespace FluxAspire.Api.Caching;

/// <summary>Reads the request's Cache-Control for <see cref="SyncResultCache"/> and answers every response of the
/// endpoint with X-Cache: hit or miss (set as the response starts, so error responses carry it too).</summary>
internal sealed class ResultCacheFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var directive = CacheDirective.From(http.Request);
        http.Features.Set(directive);
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[CacheDirective.Header] = directive.Hit ? "hit" : "miss";
            return Task.CompletedTask;
        });
        return next(context);
    }
}
