namespace FluxAspire.Api.Operations.ApiKeys;

/// <summary>Puts <see cref="ApiKeyMiddleware"/> in front of everything Program.cs adds, so no endpoint can be reached around it.</summary>
internal sealed partial class ApiKeyStartupFilter(ILogger<ApiKeyStartupFilter> logger) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        LogOn(ApiKeyCheck.HeaderName);
        app.UseMiddleware<ApiKeyMiddleware>();
        next(app);
    };

    [LoggerMessage(LogLevel.Information, "API key check on: every request except /health, /alive, /ready, /docs and /openapi needs the {Header} header")]
    private partial void LogOn(string header);
}
