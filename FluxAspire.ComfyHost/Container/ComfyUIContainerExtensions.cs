using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>Real ComfyUI as a GPU container built from the repository's Dockerfile.</summary>
public static class ComfyUIContainerExtensions
{
    /// <summary>The Docker volume that holds ComfyUI's models folder, shared by runs and by the model-download step.</summary>
    public const string DefaultModelVolumeName = "comfyui-models";

    /// <summary>
    /// Adds ComfyUI built from <paramref name="contextPath"/>/Dockerfile, serving on container port 8188 behind an endpoint
    /// named <c>http</c>. Healthy once it answers <c>/system_stats</c>. Add <c>WithGpuSupport()</c> and a model
    /// volume to make it useful.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource and connection string name.</param>
    /// <param name="contextPath">The Docker build context, relative to the AppHost directory.</param>
    public static IResourceBuilder<ComfyUIResource> AddComfyUIContainer(
        this IDistributedApplicationBuilder builder, string name, string contextPath = "../comfyui")
    {
        var resource = new ComfyUIResource(name);
        return builder.AddResource(resource)
            // WithDockerfile renames the image after the build; it only needs an image annotation to exist.
            .WithAnnotation(new ContainerImageAnnotation { Image = name, Tag = "latest" })
            .WithDockerfile(contextPath)
            .WithHttpEndpoint(targetPort: ComfyUIResource.DefaultPort, name: ComfyUIResource.PrimaryEndpointName)
            .WithHttpHealthCheck(ComfyUIBuilderExtensions.HealthCheckPath, endpointName: ComfyUIResource.PrimaryEndpointName);
    }

    /// <summary>Mounts the named volume <paramref name="name"/> at ComfyUI's models folder (<c>/opt/ComfyUI/models</c>).</summary>
    /// <param name="builder">The ComfyUI container.</param>
    /// <param name="name">The volume name.</param>
    public static IResourceBuilder<ComfyUIResource> WithModelVolume(
        this IResourceBuilder<ComfyUIResource> builder, string name = DefaultModelVolumeName) =>
        builder.WithVolume(name, ComfyUIResource.ModelsPath);

    /// <summary>Mounts a host folder at ComfyUI's models folder (<c>/opt/ComfyUI/models</c>).</summary>
    /// <param name="builder">The ComfyUI container.</param>
    /// <param name="source">The host folder, relative to the AppHost directory unless rooted.</param>
    public static IResourceBuilder<ComfyUIResource> WithModelBindMount(
        this IResourceBuilder<ComfyUIResource> builder, string source) =>
        builder.WithBindMount(source, ComfyUIResource.ModelsPath);
}
