using FluxAspire.ComfySim.Images;

namespace FluxAspire.ComfySim.Files;

public static class FilesFeature
{
    public static IServiceCollection AddFiles(this IServiceCollection services)
    {
        services.AddSingleton<ImageRenderer>();
        services.AddSingleton<OutputWriter>();
        services.AddSingleton<InputImages>();
        return services;
    }

    public static IEndpointRouteBuilder MapFileRoutes(this IEndpointRouteBuilder routes)
    {
        // TODO(H3): GET view, POST upload/image, POST upload/mask
        return routes;
    }
}
