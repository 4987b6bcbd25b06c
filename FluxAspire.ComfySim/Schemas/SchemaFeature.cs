using FluxAspire.ComfySim.Validation;

namespace FluxAspire.ComfySim.Schemas;

public static class SchemaFeature
{
    public static IServiceCollection AddSchemas(this IServiceCollection services)
    {
        services.AddSingleton<NodeSchemaCatalog>();
        services.AddSingleton<PromptValidator>();
        return services;
    }

    public static IEndpointRouteBuilder MapObjectInfoRoutes(this IEndpointRouteBuilder routes)
    {
        // TODO(H1): GET object_info, GET object_info/{class}
        return routes;
    }
}
