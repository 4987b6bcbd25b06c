using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using FluxAspire.Api.Operations.Redis;

namespace FluxAspire.Tests.Publishing;

/// <summary>
/// The full deployment shape: ComfyUI as the GPU container with its model volume, filled by a one-shot fetch that
/// takes a secret token, Redis named
/// "cache" with a secret password, and the API waiting for both. Secret values are passed the way a user would
/// (<c>--Parameters:name=value</c>) so tests can prove none of them is written.
/// </summary>
internal static class GpuHostModel
{
    public const string HfTokenValue = "hf_SECRET-token-value-4711";
    public const string CachePasswordValue = "redis-SECRET-password-0815";

    public static string[] SecretArgs => [$"--Parameters:hf-token={HfTokenValue}", $"--Parameters:cache-password={CachePasswordValue}"];

    public static void Describe(IDistributedApplicationBuilder builder)
    {
        var token = builder.AddParameter("hf-token", secret: true);
        // In publish mode the FLUX model comes from a one-shot fetch container on the model volume that ComfyUI waits for.
        var comfyui = builder.AddComfyUIContainer("comfyui", ModelPublish.ComfyUIContext)
            .WithGpuSupport()
            .WithFluxModel(token: token);
        var password = builder.AddParameter("cache-password", secret: true);
        var cache = builder.AddResource(new RedisLikeResource("cache", password.Resource))
            .WithImage("redis", "8.6")
            .WithEndpoint(targetPort: 16379, name: RedisLikeResource.EndpointName, scheme: "tcp");
        var endpoint = cache.Resource.Endpoint;
        builder.AddProject("api", ModelPublish.ApiProject)
            .WithReference(comfyui).WaitFor(comfyui)
            .WithReference(cache).WaitFor(cache)
            // What Aspire 13.6's AddRedis adds to a referencing service besides the connection string.
            .WithEnvironment("CACHE_HOST", endpoint.Property(EndpointProperty.Host))
            .WithEnvironment("CACHE_PORT", endpoint.Property(EndpointProperty.Port))
            .WithEnvironment("CACHE_PASSWORD", password)
            .WithEnvironment("CACHE_URI", ReferenceExpression.Create(
                $"redis://:{password.Resource:uri}@{endpoint.Property(EndpointProperty.Host)}:{endpoint.Property(EndpointProperty.Port)}"));
    }

    /// <summary>A Redis container as Aspire.Hosting.Redis models it: a tcp endpoint and a password in the connection string.</summary>
    private sealed class RedisLikeResource(string name, ParameterResource password) : ContainerResource(name), IResourceWithConnectionString
    {
        public const string EndpointName = "tcp";

        public EndpointReference Endpoint => new(this, EndpointName);

        public ReferenceExpression ConnectionStringExpression =>
            ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.HostAndPort)},password={password}");
    }
}
