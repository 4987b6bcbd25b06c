using System.Text.Json;
using System.Text.Json.Serialization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>The FLUX model for real ComfyUI: a download step that fills the models folder before ComfyUI starts.</summary>
public static class ComfyUIModelExtensions
{
    /// <summary>The parameter that holds an optional Hugging Face token (<c>Parameters:hf-token</c>).</summary>
    public const string TokenParameterName = "hf-token";

    /// <summary>The resource type shown on the dashboard.</summary>
    public const string ResourceType = "ModelDownload";

    /// <summary>Where the Dockerfile puts the deployment's model-download script.</summary>
    public const string FetchScriptPath = "/opt/fetch_models.py";

    // One client for the AppHost's lifetime; body reads are bounded by the downloader's own idle timeout.
    private static readonly HttpClient Http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromMinutes(2),
        DefaultRequestHeaders = { { "User-Agent", "FluxAspire-AppHost" } },
    };

    private static readonly JsonSerializerOptions FetchJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Adds a step that puts <paramref name="files"/> into <paramref name="modelsDirectory"/> (a host folder), run by the
    /// AppHost itself when the app starts: resumable, SHA-256 checked, skipped for files already there and verified, with
    /// progress on the dashboard. It ends Finished with exit code 0, or Exited with exit code 1 and the reason in its log.
    /// Not part of the manifest: a deployment fills its model volume itself.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="modelsDirectory">The host folder ComfyUI uses as its models folder.</param>
    /// <param name="files">The files.</param>
    public static IResourceBuilder<ComfyUIModelDownloadResource> AddComfyUIModelDownload(
        this IDistributedApplicationBuilder builder, string name, string modelsDirectory, IEnumerable<ModelFile> files)
    {
        var resource = new ComfyUIModelDownloadResource(name, modelsDirectory, [.. files]);
        builder.Eventing.Subscribe<InitializeResourceEvent>(resource, (e, _) =>
        {
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var appLog = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ComfyUI.Models");
            var runner = new ModelDownloadRunner(resource, e.Notifications, [e.Logger, appLog], new ModelDownloader(Http));
            // Not awaited: initialisation must not wait 17 GB; ComfyUI's WaitForCompletion does.
            Task.Run(() => runner.RunAsync(stopping), CancellationToken.None).Ignore();
            return Task.CompletedTask;
        });

        return builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = ResourceType,
                State = KnownResourceStates.NotStarted,
                Properties =
                [
                    new("models.directory", resource.ModelsDirectory),
                    .. resource.Files.SelectMany((f, i) => new ResourcePropertySnapshot[]
                    {
                        new($"model.{i}.path", f.Path),
                        new($"model.{i}.url", f.Url.AbsoluteUri),
                        new($"model.{i}.sha256", f.Sha256 ?? "(not verified)"),
                    }),
                ],
            })
            .ExcludeFromManifest();
    }

    /// <summary>Sends <paramref name="token"/> as <c>Authorization: Bearer</c> with the downloads (gated Hugging Face files).</summary>
    /// <param name="builder">The download step.</param>
    /// <param name="token">A secret parameter.</param>
    public static IResourceBuilder<ComfyUIModelDownloadResource> WithToken(
        this IResourceBuilder<ComfyUIModelDownloadResource> builder, IResourceBuilder<ParameterResource> token)
    {
        builder.Resource.Token = token.Resource;
        return builder.WithReferenceRelationship(token);
    }

    /// <summary>
    /// Gives the ComfyUI container its models folder with the FLUX.1-dev FP8 checkpoint (or <paramref name="files"/>),
    /// filled by a <c>{name}-models</c> step that ComfyUI waits for (<c>WaitForCompletion</c>).
    /// Run mode: the host folder <paramref name="hostModelsDirectory"/> is mounted at <c>/opt/ComfyUI/models</c> and the
    /// AppHost itself downloads into it, with progress on the dashboard. Publish mode: the named volume
    /// <c>comfyui-models</c> is mounted instead, and the step is a one-shot container of the same image running
    /// <c>python /opt/fetch_models.py</c> on that volume (in Compose: a service ComfyUI depends on with
    /// <c>service_completed_successfully</c>).
    /// </summary>
    /// <param name="builder">The ComfyUI container.</param>
    /// <param name="hostModelsDirectory">The host folder; <see cref="ComfyUIHostOptions.DefaultModelsPath"/> when null.</param>
    /// <param name="files">The files; the FLUX.1-dev FP8 checkpoint when null.</param>
    /// <param name="token">An optional secret sent as a bearer token.</param>
    public static IResourceBuilder<ComfyUIResource> WithFluxModel(
        this IResourceBuilder<ComfyUIResource> builder, string? hostModelsDirectory = null,
        IEnumerable<ModelFile>? files = null, IResourceBuilder<ParameterResource>? token = null)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            var fetch = builder.ApplicationBuilder.AddComfyUIModelFetch(
                $"{builder.Resource.Name}-models", builder, files ?? [ModelFile.FluxDevFp8Checkpoint], token);
            return builder.WithModelVolume().WaitForCompletion(fetch);
        }

        var directory = Path.GetFullPath(hostModelsDirectory ?? ComfyUIHostOptions.DefaultModelsPath);
        var download = builder.ApplicationBuilder.AddComfyUIModelDownload($"{builder.Resource.Name}-models", directory,
            files ?? [ModelFile.FluxDevFp8Checkpoint]);
        if (token is not null)
        {
            download.WithToken(token);
        }

        return builder.WithModelBindMount(directory).WaitForCompletion(download);
    }

    /// <summary>
    /// A one-shot container of ComfyUI's image that runs <c>python /opt/fetch_models.py</c> (the deployment's twin of the
    /// AppHost's download step: resumable, SHA-256 checked, skips verified files) on the model volume, and exits.
    /// Environment: <c>COMFYUI_MODELS</c> (the files as JSON), <c>COMFYUI_MODELS_DIR</c>, and <c>HF_TOKEN</c> from
    /// <paramref name="token"/> when given.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="comfyui">The ComfyUI container whose image and model volume the step shares.</param>
    /// <param name="files">The files.</param>
    /// <param name="token">An optional secret passed as <c>HF_TOKEN</c>.</param>
    /// <param name="volumeName">The model volume.</param>
    public static IResourceBuilder<ContainerResource> AddComfyUIModelFetch(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ComfyUIResource> comfyui,
        IEnumerable<ModelFile> files, IResourceBuilder<ParameterResource>? token = null,
        string volumeName = ComfyUIContainerExtensions.DefaultModelVolumeName)
    {
        var image = comfyui.Resource.Annotations.OfType<DockerfileBuildAnnotation>().LastOrDefault()
            ?? throw new InvalidOperationException($"{comfyui.Resource.Name} is not built from a Dockerfile, so there is no image to fetch models with");
        var fetch = builder.AddContainer(name, name)
            .WithDockerfile(image.ContextPath, image.DockerfilePath)
            .WithEntrypoint("python")
            .WithArgs(FetchScriptPath)
            .WithVolume(volumeName, ComfyUIResource.ModelsPath)
            .WithEnvironment("COMFYUI_MODELS", FetchList(files))
            .WithEnvironment("COMFYUI_MODELS_DIR", ComfyUIResource.ModelsPath);
        return token is null ? fetch : fetch.WithEnvironment("HF_TOKEN", token);
    }

    /// <summary>The <c>COMFYUI_MODELS</c> value for <c>fetch_models.py</c>: a JSON list of url, path, sha256 and size.</summary>
    public static string FetchList(IEnumerable<ModelFile> files) =>
        JsonSerializer.Serialize(files.Select(f => new FetchEntry(f.Url.AbsoluteUri, f.Path, f.Sha256, f.Size)), FetchJson);

    private sealed record FetchEntry(string Url, string Path, string? Sha256, long? Size);

    /// <summary>
    /// Puts the FLUX.1-dev FP8 checkpoint (or <paramref name="files"/>) into the checkout's <c>models</c> folder before
    /// ComfyUI starts, through a <c>{name}-models</c> download step.
    /// </summary>
    /// <param name="builder">The local ComfyUI.</param>
    /// <param name="files">The files; the FLUX.1-dev FP8 checkpoint when null.</param>
    /// <param name="token">An optional secret sent as a bearer token.</param>
    public static IResourceBuilder<ComfyUIExecutableResource> WithFluxModel(
        this IResourceBuilder<ComfyUIExecutableResource> builder, IEnumerable<ModelFile>? files = null,
        IResourceBuilder<ParameterResource>? token = null)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        var download = builder.ApplicationBuilder.AddComfyUIModelDownload($"{builder.Resource.Name}-models",
            builder.Resource.ModelsDirectory, files ?? [ModelFile.FluxDevFp8Checkpoint]);
        if (token is not null)
        {
            download.WithToken(token);
        }

        return builder.WaitForCompletion(download);
    }
}
