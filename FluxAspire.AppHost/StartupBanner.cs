using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluxAspire.AppHost;

/// <summary>
/// Tells the person who ran the AppHost where the dashboard and the API are, once the ports are known. (ComfyHost logs
/// which ComfyUI runs and why.)
/// </summary>
internal static class StartupBanner
{
    public static void LogWhereToFind(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> api)
    {
        var dashboard = builder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0];
        builder.Eventing.Subscribe<ResourceEndpointsAllocatedEvent>(api.Resource, (e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FluxAspire");
            var apiUrl = api.GetEndpoint("http").Url;
            logger.LogInformation("Dashboard: {Dashboard}", dashboard ?? "(disabled)");
            logger.LogInformation("API: {Api}  (try POST {Api}/workflow/text2img, docs at {Api}/docs)", apiUrl, apiUrl, apiUrl);
            return Task.CompletedTask;
        });
    }
}
