using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Endpoints.Playground;

/// <summary>
/// The playground: a page of plain static files (HTML, CSS, one ES module) embedded in the API and served by it at
/// /playground, with / redirecting there. Nothing comes from elsewhere (no CDN, no build step), so it works offline and
/// on Salad's single port. The page itself only calls the public API (/openapi/v1.json, POST /jobs, the SSE stream, GET
/// /jobs), with the X-Api-Key it asks for when the API wants one; the files need no key.
/// </summary>
public static class PlaygroundApi
{
    public const string Path = "/playground";

    private const string ResourcePrefix = "playground/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    // Same origin only: the page must work with nothing but this API. data:/blob: for previews and fetched outputs.
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static IHostApplicationBuilder AddPlayground(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PlaygroundOptions>().BindConfiguration(PlaygroundOptions.SectionName).ValidateOnStart();
        return builder;
    }

    public static IEndpointRouteBuilder MapPlaygroundApi(this IEndpointRouteBuilder routes)
    {
        if (!routes.ServiceProvider.GetRequiredService<IOptions<PlaygroundOptions>>().Value.Enabled)
        {
            return routes;
        }

        routes.MapGet("/", () => TypedResults.Redirect(Path + "/")).ExcludeFromDescription();
        var group = routes.MapGroup(Path).ExcludeFromDescription();
        group.MapGet("/", (HttpContext http) => Asset(http, "index.html"));
        group.MapGet("/{file}", (string file, HttpContext http) => Asset(http, file));
        return routes;
    }

    private static Results<FileStreamHttpResult, NotFound> Asset(HttpContext http, string file)
    {
        var extension = System.IO.Path.GetExtension(file);
        if (!ContentTypes.TryGetValue(extension, out var contentType)
            || typeof(PlaygroundApi).Assembly.GetManifestResourceStream(ResourcePrefix + file) is not { } stream)
        {
            return TypedResults.NotFound();
        }

        var headers = http.Response.Headers;
        // The files change with the API: revalidate every time (they are a few kilobytes).
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        return TypedResults.Stream(stream, contentType);
    }
}
