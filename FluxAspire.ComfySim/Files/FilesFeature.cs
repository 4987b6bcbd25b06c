using FluxAspire.ComfySim.Images;

namespace FluxAspire.ComfySim.Files;

public static class FilesFeature
{
    public static IServiceCollection AddFiles(this IServiceCollection services)
    {
        services.AddSingleton(provider => new ImageRenderer(provider.GetRequiredService<SimOptions>().ImageKind));
        services.AddSingleton<OutputWriter>();
        services.AddSingleton<InputImages>();
        return services;
    }

    public static IEndpointRouteBuilder MapFileRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("view", ViewEndpoint.Handle);
        routes.MapPost("upload/image", UploadEndpoints.UploadImage);
        routes.MapPost("upload/mask", UploadEndpoints.UploadMask);
        return routes;
    }
}
