using FluxAspire.Api.Endpoints.Workflows;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace FluxAspire.Api.Endpoints.Docs;

public static class ApiDocs
{
    /// <summary>OpenAPI document "v1" with the text2img ranges, defaults and ComfyUI's choices, plus request examples.</summary>
    public static IHostApplicationBuilder AddApiDocs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "FluxAspire API",
                    Version = "v1",
                    Description = "FLUX.1-dev image generation through ComfyUI, wire-compatible with the Salad " +
                        "\"Flux.1-Dev (FP8) - ComfyUI (API)\" recipe. Errors are RFC 7807 problem details.",
                };
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer<ApiSchemaTransformer>();
            options.AddDocumentTransformer<WorkflowOpenApiTransformer>();
            options.AddDocumentTransformer<StorageUploadsOpenApiTransformer>();
        });
        return builder;
    }

    /// <summary>/openapi/v1.json and the Scalar reference at /docs.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", options => options.WithTitle("FluxAspire API"));
        return app;
    }
}
