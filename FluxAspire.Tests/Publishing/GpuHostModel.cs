using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.Tests.Publishing;

/// <summary>
/// The full deployment shape: ComfyUI as the GPU container with its model volume and a secret token, Redis named
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
        // The shape AddComfyUIContainer gives (ComfyHost), built here so this test does not depend on the run mode
        // this machine would pick.
        var comfyui = builder.AddResource(new ComfyUIResource("comfyui"))
            .WithImage("comfyui")
            .WithDockerfile(ModelPublish.ComfyUIContext)
            .WithHttpEndpoint(targetPort: ComfyUIResource.DefaultPort, name: ComfyUIResource.PrimaryEndpointName)
            .WithGpuSupport()
            .WithModelVolume()
            .WithEnvironment("HF_TOKEN", token);
        var password = builder.AddParameter("cache-password", secret: true);
        var cache = builder.AddConnectionString("cache", ReferenceExpression.Create($"localhost:6379,password={password}"));
        builder.AddProject("api", ModelPublish.ApiProject)
            .WithReference(comfyui).WaitFor(comfyui)
            .WithReference(cache).WaitFor(cache);
    }
}
