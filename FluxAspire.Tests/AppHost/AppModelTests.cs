using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using static FluxAspire.Tests.Infrastructure.AppModel;

namespace FluxAspire.Tests.AppHost;

/// <summary>The AppHost's app model, inspected without starting anything.</summary>
public sealed class AppModelTests
{
    [Fact]
    public async Task Default_mode_runs_the_simulator_project_as_comfyui()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>();

        var comfyui = Assert.IsType<ComfyUISimulatorResource>(Resource(builder, "comfyui"));
        var project = Assert.Single(comfyui.Annotations.OfType<IProjectMetadata>());
        Assert.Equal("FluxAspire.ComfySim.csproj", Path.GetFileName(project.ProjectPath));
        var endpoint = Assert.Single(comfyui.Annotations.OfType<EndpointAnnotation>());
        Assert.Equal(("http", "http"), (endpoint.Name, endpoint.UriScheme));
        Assert.Equal("Endpoint={comfyui.bindings.http.url}", comfyui.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task Simulator_gets_ComfyUI_flags_with_the_allocated_target_port()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>();
        var comfyui = (ComfyUISimulatorResource)Resource(builder, "comfyui");

        var args = await ArgsOf(comfyui);

        Assert.Equal(10, args.Count);
        Assert.Equal(["--listen", "127.0.0.1", "--port"], args.Take(3));
        var port = Assert.IsType<EndpointReferenceExpression>(args[3]);
        Assert.Equal(("http", EndpointProperty.TargetPort), (port.Endpoint.EndpointName, port.Property));
        Assert.Same(comfyui, port.Endpoint.Resource);
        // A visible pace and previews by default, so the playground shows an image forming (ComfyUIHostOptions.DefaultSimulatorStepMs).
        Assert.Equal(["--step-ms", "120", "--preview-method", "latent2rgb", "--base-directory", comfyui.DataDirectory], args.Skip(4));
    }

    [Fact]
    public async Task Api_gets_the_simulators_folders_so_it_can_clean_up_job_files()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>();
        var comfyui = (ComfyUISimulatorResource)Resource(builder, "comfyui");

        var env = await RunEnvironmentOf(Resource(builder, "api"));

        Assert.Equal(Path.Combine(comfyui.DataDirectory, "input"), env["ComfyUI__InputDirectory"]);
        Assert.Equal(Path.Combine(comfyui.DataDirectory, "output"), env["ComfyUI__OutputDirectory"]);
        Assert.Equal(Path.Combine(comfyui.DataDirectory, "models"), env["ComfyUI__ModelsDirectory"]);
        Assert.False((await PublishedEnvironmentOf(Resource(builder, "api"))).ContainsKey("ComfyUI__InputDirectory"));
    }

    [Fact]
    public async Task Published_simulator_listens_on_all_interfaces()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>();

        var args = await ArgsOf(Resource(builder, "comfyui"), DistributedApplicationOperation.Publish);

        Assert.Equal(["--listen", "0.0.0.0"], args.Take(2));
    }

    [Fact]
    public async Task Simulator_step_cost_comes_from_configuration()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--ComfyUI:SimulatorStepMs=250"]);

        var args = await ArgsOf((ComfyUISimulatorResource)Resource(builder, "comfyui"));

        Assert.Equal(["--step-ms", "250"], args.Skip(4).Take(2));
    }

    [Fact]
    public async Task Simulator_image_kind_comes_from_configuration()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--ComfyUI:SimulatorImageKind=noise"]);

        var args = await ArgsOf((ComfyUISimulatorResource)Resource(builder, "comfyui"));

        Assert.Equal(["--step-ms", "120", "--preview-method", "latent2rgb", "--image-kind", "noise"], args.Skip(4).Take(6));
    }

    [Fact]
    public async Task Api_references_comfyui_by_connection_string_and_waits_until_it_is_healthy()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>();
        var api = Assert.IsType<ProjectResource>(Resource(builder, "api"));
        var comfyui = Resource(builder, "comfyui");

        var env = await PublishedEnvironmentOf(api);

        Assert.Equal("{comfyui.connectionString}", env["ConnectionStrings__comfyui"]);
        var wait = Assert.Single(api.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "comfyui");
        Assert.Same(comfyui, wait.Resource);
        Assert.Equal(WaitType.WaitUntilHealthy, wait.WaitType);
        Assert.Equal("FluxAspire.Api.csproj", Path.GetFileName(Assert.Single(api.Annotations.OfType<IProjectMetadata>()).ProjectPath));
    }

    [Fact]
    public async Task Api_and_simulator_have_http_health_checks()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>();

        Assert.Single(Resource(builder, "api").Annotations.OfType<HealthCheckAnnotation>());
        Assert.Single(Resource(builder, "comfyui").Annotations.OfType<HealthCheckAnnotation>());
    }

    [Fact]
    public async Task Api_keeps_the_recipe_port_from_its_launch_profile()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--DcpPublisher:RandomizePorts=false"]);

        var http = Assert.Single(Resource(builder, "api").Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");

        Assert.Equal(3000, http.Port);
    }

    [Fact]
    public async Task External_mode_points_comfyui_at_the_configured_url_and_starts_no_simulator()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--ComfyUI:Mode=external", "--ComfyUI:Url=http://gpu-box:8188"]);

        var comfyui = Assert.IsType<ComfyUIExternalResource>(Resource(builder, "comfyui"));
        Assert.Equal("Endpoint=http://gpu-box:8188", await comfyui.ConnectionStringExpression.GetValueAsync(CancellationToken.None));
        Assert.Empty(builder.Resources.OfType<ComfyUISimulatorResource>());
        Assert.Single(comfyui.Annotations.OfType<HealthCheckAnnotation>());
        var wait = Assert.Single(Resource(builder, "api").Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == "comfyui");
        Assert.Same(comfyui, wait.Resource);
    }

    [Theory]
    [InlineData("http://gpu-box:8188/", "Endpoint=http://gpu-box:8188")]
    [InlineData("https://proxy.example/comfy", "Endpoint=https://proxy.example/comfy")]
    [InlineData("https://proxy.example/comfy/", "Endpoint=https://proxy.example/comfy")]
    public async Task External_connection_string_keeps_a_path_prefix_and_drops_the_trailing_slash(string url, string expected)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--ComfyUI:Mode=external", $"--ComfyUI:Url={url}"]);

        var comfyui = (ComfyUIExternalResource)Resource(builder, "comfyui");

        Assert.Equal(expected, await comfyui.ConnectionStringExpression.GetValueAsync(CancellationToken.None));
    }

    [Fact]
    public async Task External_mode_without_a_url_fails_before_anything_starts()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(["--ComfyUI:Mode=external"]));

        Assert.Contains("ComfyUI:Url must name the ComfyUI to use", Flatten(error));
    }
}
