using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FluxAspire.Api.Operations.ApiKeys;

/// <summary>Documents the X-Api-Key header as an apiKey security scheme on every operation that needs it, so /docs asks for it.</summary>
internal sealed class ApiKeyOpenApiTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "ApiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyCheck.HeaderName,
            Description = "Required on every endpoint except /health, /alive, /ready and the documentation when the API runs with Api__Key (or API_KEY) set.",
        };

        foreach (var (path, item) in document.Paths ?? [])
        {
            if (ApiKeyCheck.IsOpen(new PathString(path)) || item.Operations is null)
            {
                continue;
            }

            foreach (var operation in item.Operations.Values)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] });
            }
        }

        return Task.CompletedTask;
    }
}
