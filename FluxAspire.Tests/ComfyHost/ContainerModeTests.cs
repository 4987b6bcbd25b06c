using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using static FluxAspire.Tests.Infrastructure.AppModel;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>The AppHost with <c>ComfyUI:Mode=container</c>, inspected without a container runtime.</summary>
public sealed class ContainerModeTests
{
    private static readonly string ModelsPath = Path.Combine(Path.GetTempPath(), "fluxaspire-tests", "container-models");

    [Fact]
    public async Task Comfyui_is_the_container_built_from_the_repository_Dockerfile()
    {
        await using var builder = await ContainerApp();

        var comfyui = Assert.IsType<ComfyUIResource>(Resource(builder, "comfyui"));

        var build = Assert.Single(comfyui.Annotations.OfType<DockerfileBuildAnnotation>());
        Assert.Equal(Path.Combine(RepoPaths.Root, "comfyui"), build.ContextPath);
        Assert.Equal(Path.Combine(RepoPaths.Root, "comfyui", "Dockerfile"), build.DockerfilePath);
        Assert.True(File.Exists(build.DockerfilePath));
        Assert.Equal(new ComfyUIModeAnnotation(ComfyUIMode.Container, "set by ComfyUI:Mode"), Assert.Single(comfyui.Annotations.OfType<ComfyUIModeAnnotation>()));
    }

    [Fact]
    public async Task Comfyui_serves_http_on_container_port_8188_with_an_Endpoint_connection_string()
    {
        await using var builder = await ContainerApp();
        var comfyui = (ComfyUIResource)Resource(builder, "comfyui");

        var endpoint = Assert.Single(comfyui.Annotations.OfType<EndpointAnnotation>());

        Assert.Equal(("http", "http", 8188), (endpoint.Name, endpoint.UriScheme, endpoint.TargetPort));
        Assert.Equal("Endpoint={comfyui.bindings.http.url}", comfyui.ConnectionStringExpression.ValueExpression);
        Assert.Single(comfyui.Annotations.OfType<HealthCheckAnnotation>());
    }

    [Fact]
    public async Task Comfyui_gets_the_default_flags_after_the_images_fixed_headless_ones()
    {
        await using var builder = await ContainerApp();

        Assert.Equal(["--disable-api-nodes", "--preview-method", "latent2rgb"], await ArgsOf(Resource(builder, "comfyui")));
    }

    [Fact]
    public async Task Configured_flags_replace_the_defaults()
    {
        await using var builder = await ContainerApp("--ComfyUI:Args=--highvram --fast");

        Assert.Equal(["--highvram", "--fast"], await ArgsOf(Resource(builder, "comfyui")));
    }

    [Fact]
    public async Task Docker_gets_all_gpus()
    {
        await using var builder = await ContainerApp("--ASPIRE_CONTAINER_RUNTIME=docker");
        var comfyui = Resource(builder, "comfyui");

        Assert.Equal(["--gpus", "all"], await RuntimeArgsOf(comfyui));
        var gpu = Assert.Single(comfyui.Annotations.OfType<GpuSupportAnnotation>());
        Assert.Equal((GpuVendor.Nvidia, (int?)null), (gpu.Vendor, gpu.Count));
    }

    [Theory]
    [InlineData("--ASPIRE_CONTAINER_RUNTIME=podman")]
    [InlineData("--DOTNET_ASPIRE_CONTAINER_RUNTIME=podman")]
    [InlineData("--ASPIRE_CONTAINER_RUNTIME=Podman")]
    public async Task Podman_gets_the_nvidia_CDI_device(string runtimeChoice)
    {
        await using var builder = await ContainerApp(runtimeChoice);

        Assert.Equal(["--device", "nvidia.com/gpu=all"], await RuntimeArgsOf(Resource(builder, "comfyui")));
    }

    [Fact]
    public async Task Models_folder_is_a_host_folder_filled_by_the_download_step_before_comfyui_starts()
    {
        await using var builder = await ContainerApp();
        var comfyui = Resource(builder, "comfyui");

        var mount = Assert.Single(comfyui.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((ContainerMountType.BindMount, ModelsPath, "/opt/ComfyUI/models", false), (mount.Type, mount.Source, mount.Target, mount.IsReadOnly));

        var download = Assert.IsType<ComfyUIModelDownloadResource>(Resource(builder, "comfyui-models"));
        Assert.Equal(ModelsPath, download.ModelsDirectory);
        Assert.Equal([ModelFile.FluxDevFp8Checkpoint], download.Files);
        Assert.Null(download.Token);
        var (dependency, type) = WaitOf(comfyui, "comfyui-models");
        Assert.Same(download, dependency);
        Assert.Equal(WaitType.WaitForCompletion, type);
        Assert.Equal(ManifestPublishingCallbackAnnotation.Ignore, Assert.Single(download.Annotations.OfType<ManifestPublishingCallbackAnnotation>()));
    }

    [Fact]
    public async Task The_default_model_is_the_public_FLUX_dev_FP8_checkpoint_that_the_graph_loads()
    {
        var flux = ModelFile.FluxDevFp8Checkpoint;

        Assert.Equal("https://huggingface.co/Comfy-Org/flux1-dev/resolve/main/flux1-dev-fp8.safetensors", flux.Url.AbsoluteUri);
        Assert.Equal("checkpoints/flux1-dev-fp8.safetensors", flux.Path);
        Assert.Equal("8e91b68084b53a7fc44ed2a3756d821e355ac1a7b6fe29be760c1db532f3d88a", flux.Sha256);
        Assert.Equal(17_246_524_772, flux.Size);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Configured_models_replace_the_default_and_a_configured_token_becomes_a_secret_parameter()
    {
        var sha = new string('b', 64);
        await using var builder = await ContainerApp(
            "--ComfyUI:Models:0:Url=https://example.test/files/other%20model.safetensors",
            "--ComfyUI:Models:1:Url=https://example.test/vae.sft",
            "--ComfyUI:Models:1:Path=vae/ae.sft",
            $"--ComfyUI:Models:1:Sha256={sha.ToUpperInvariant()}",
            "--Parameters:hf-token=hf_test");

        var download = (ComfyUIModelDownloadResource)Resource(builder, "comfyui-models");

        Assert.Equal(
            [
                new ModelFile(new Uri("https://example.test/files/other%20model.safetensors"), "checkpoints/other model.safetensors"),
                new ModelFile(new Uri("https://example.test/vae.sft"), "vae/ae.sft", sha),
            ],
            download.Files);
        var token = Assert.IsType<ParameterResource>(Resource(builder, "hf-token"));
        Assert.True(token.Secret);
        Assert.Same(token, download.Token);
    }

    [Fact]
    public async Task Without_model_downloads_the_host_folder_is_still_mounted()
    {
        await using var builder = await ContainerApp("--ComfyUI:DownloadModels=false");

        Assert.DoesNotContain(builder.Resources, r => r.Name == "comfyui-models");
        var mount = Assert.Single(Resource(builder, "comfyui").Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((ContainerMountType.BindMount, ModelsPath), (mount.Type, mount.Source));
        Assert.Empty(Resource(builder, "comfyui").Annotations.OfType<WaitAnnotation>());
    }

    [Fact]
    public async Task Dashboard_commands_free_memory_and_interrupt()
    {
        await using var builder = await ContainerApp();

        Assert.Equal(["comfyui-free-memory", "comfyui-interrupt"], CommandNames(Resource(builder, "comfyui")));
    }

    [Fact]
    public async Task Api_shares_only_the_models_folder_with_the_container()
    {
        await using var builder = await ContainerApp();

        var env = await RunEnvironmentOf(Resource(builder, "api"));

        Assert.Equal(ModelsPath, env["ComfyUI__ModelsDirectory"]);
        Assert.False(env.ContainsKey("ComfyUI__InputDirectory"));
        Assert.False(env.ContainsKey("ComfyUI__OutputDirectory"));
        Assert.Equal(WaitType.WaitUntilHealthy, WaitOf(Resource(builder, "api"), "comfyui").Type);
    }

    [Fact]
    public async Task Publishing_with_auto_describes_the_gpu_container_with_the_named_model_volume()
    {
        await using var builder = await PublishApp();

        var comfyui = Assert.IsType<ComfyUIResource>(Resource(builder, "comfyui"));

        Assert.Equal(new ComfyUIModeAnnotation(ComfyUIMode.Container, "publishing describes the GPU deployment"), comfyui.Annotations.OfType<ComfyUIModeAnnotation>().Single());
        var volume = Assert.Single(comfyui.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((ContainerMountType.Volume, "comfyui-models", "/opt/ComfyUI/models"), (volume.Type, volume.Source, volume.Target));
        Assert.Single(comfyui.Annotations.OfType<GpuSupportAnnotation>());
        Assert.DoesNotContain(builder.Resources, r => r is ComfyUIModelDownloadResource or ParameterResource);
    }

    [Fact]
    public async Task Publishing_fills_the_volume_with_a_one_shot_container_of_the_same_image_that_comfyui_waits_for()
    {
        await using var builder = await PublishApp();
        var comfyui = Resource(builder, "comfyui");

        var fetch = Assert.IsType<ContainerResource>(Resource(builder, "comfyui-models"));

        var build = Assert.Single(fetch.Annotations.OfType<DockerfileBuildAnnotation>());
        var comfyuiBuild = Assert.Single(comfyui.Annotations.OfType<DockerfileBuildAnnotation>());
        Assert.Equal((comfyuiBuild.ContextPath, comfyuiBuild.DockerfilePath), (build.ContextPath, build.DockerfilePath));
        Assert.Equal("python", fetch.Entrypoint);
        Assert.Equal(["/opt/fetch_models.py"], await ArgsOf(fetch, DistributedApplicationOperation.Publish));
        var volume = Assert.Single(fetch.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal((ContainerMountType.Volume, "comfyui-models", "/opt/ComfyUI/models"), (volume.Type, volume.Source, volume.Target));
        var env = await PublishedEnvironmentOf(fetch);
        Assert.Equal(
            """[{"url":"https://huggingface.co/Comfy-Org/flux1-dev/resolve/main/flux1-dev-fp8.safetensors","path":"checkpoints/flux1-dev-fp8.safetensors","sha256":"8e91b68084b53a7fc44ed2a3756d821e355ac1a7b6fe29be760c1db532f3d88a","size":17246524772}]""",
            env["COMFYUI_MODELS"]);
        Assert.Equal("/opt/ComfyUI/models", env["COMFYUI_MODELS_DIR"]);
        Assert.False(env.ContainsKey("HF_TOKEN"));
        var (dependency, type) = WaitOf(comfyui, "comfyui-models");
        Assert.Same(fetch, dependency);
        Assert.Equal(WaitType.WaitForCompletion, type);
    }

    [Fact]
    public async Task A_configured_token_reaches_the_published_download_as_a_secret_reference()
    {
        await using var builder = await PublishApp("--Parameters:hf-token=hf_never_in_the_manifest");

        var env = await PublishedEnvironmentOf(Resource(builder, "comfyui-models"));

        Assert.Equal("{hf-token.value}", env["HF_TOKEN"]);
        Assert.True(Assert.IsType<ParameterResource>(Resource(builder, "hf-token")).Secret);
    }

    private static Task<IDistributedApplicationTestingBuilder> PublishApp(params string[] args) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--operation", "publish", "--publisher", "manifest", "--output-path", Path.Combine(Path.GetTempPath(), "fluxaspire-tests", "manifest"), .. args]);

    private static Task<IDistributedApplicationTestingBuilder> ContainerApp(params string[] args) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--ComfyUI:Mode=container", $"--ComfyUI:ModelsPath={ModelsPath}", .. args]);
}
