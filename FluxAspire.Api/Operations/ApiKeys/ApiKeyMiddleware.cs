using Microsoft.AspNetCore.Mvc;

namespace FluxAspire.Api.Operations.ApiKeys;

/// <summary>401 problem details for every request outside <see cref="ApiKeyCheck.IsOpen"/> without the right X-Api-Key.</summary>
internal sealed partial class ApiKeyMiddleware(RequestDelegate next, ApiKeyCheck check, IProblemDetailsService problems, ILogger<ApiKeyMiddleware> logger)
{
    public const string Detail = "missing or invalid " + ApiKeyCheck.HeaderName;

    public async Task InvokeAsync(HttpContext context)
    {
        var presented = context.Request.Headers[ApiKeyCheck.HeaderName];
        if (ApiKeyCheck.IsOpen(context.Request.Path) || (presented.Count == 1 && check.Accepts(presented[0])))
        {
            await next(context);
            return;
        }

        LogRefused(context.Request.Method, context.Request.Path);
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{ApiKeyCheck.HeaderName}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = Detail,
            },
        });
    }

    // The presented value is never logged: a near-miss may be a real key with a typo.
    [LoggerMessage(LogLevel.Debug, "Refused {Method} {Path}: " + Detail)]
    private partial void LogRefused(string method, PathString path);
}
