using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluxAspire.AppHost;

/// <summary>Tells the person who ran the AppHost where the dashboard and the API are, once the ports are known.</summary>
internal static class StartupBanner
{
    public static void LogWhereToFind(
        this IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> api, IResourceBuilder<IComfyUIResource> comfyui)
    {
        var dashboard = builder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0];
        var mode = comfyui.Resource switch
        {
            ComfyUIExternalResource external => $"external, {external.Url}",
            _ => "simulator (FluxAspire.ComfySim, no GPU needed; set ComfyUI:Mode=external and ComfyUI:Url for a real ComfyUI)",
        };
        builder.Eventing.Subscribe<ResourceEndpointsAllocatedEvent>(api.Resource, (e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FluxAspire");
            var apiUrl = api.GetEndpoint("http").Url;
            logger.LogInformation("Dashboard: {Dashboard}", dashboard ?? "(disabled)");
            logger.LogInformation("API: {Api}  (try POST {Api}/workflow/text2img, docs at {Api}/docs)", apiUrl, apiUrl, apiUrl);
            logger.LogInformation("ComfyUI: {Mode}", mode);
            return Task.CompletedTask;
        });
    }
}
