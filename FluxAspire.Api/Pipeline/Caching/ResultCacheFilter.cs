namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>Answers every response of a job endpoint with X-Cache: hit or miss (set as the response starts, so error
/// responses carry it too), from the request's <see cref="CacheDirective"/>.</summary>
internal sealed class ResultCacheFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var directive = CacheDirective.Of(http);
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[CacheDirective.Header] = directive.Hit ? "hit" : "miss";
            return Task.CompletedTask;
        });
        return next(context);
    }
}
