using System.Text.Json.Nodes;
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
        routes.MapGet("object_info", (NodeSchemaCatalog catalog) => ComfyJson.Ok(catalog.ObjectInfo()));
        routes.MapGet("object_info/{nodeClass}", (string nodeClass, NodeSchemaCatalog catalog) =>
            ComfyJson.Ok(catalog.ObjectInfo(nodeClass) is { } info ? new JsonObject { [nodeClass] = info } : new JsonObject()));
        return routes;
    }
}
