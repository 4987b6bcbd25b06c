using Microsoft.AspNetCore.OpenApi;

namespace FluxAspire.Api.Operations.ApiKeys;

public static class ApiKeysServiceCollectionExtensions
{
    /// <summary>
    /// When Api:Key (or API_KEY) is set, every request except probes and docs needs a matching X-Api-Key header, for
    /// clouds without a gateway that authenticates (on Salad, the gateway's Salad-Api-Key does this). The check runs first
    /// in the pipeline, before routing.
    /// </summary>
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        if (ApiKeyOptions.Read(builder.Configuration) is not { Length: > 0 } key)
        {
            return builder;
        }

        builder.Services.AddSingleton(new ApiKeyCheck(key));
        builder.Services.AddTransient<IStartupFilter, ApiKeyStartupFilter>();
        builder.Services.Configure<OpenApiOptions>("v1", options => options.AddDocumentTransformer<ApiKeyOpenApiTransformer>());
        return builder;
    }
}
