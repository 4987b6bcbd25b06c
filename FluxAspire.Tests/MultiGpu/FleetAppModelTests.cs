using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using FluxAspire.Tests.Publishing;
using static FluxAspire.Tests.Infrastructure.AppModel;

namespace FluxAspire.Tests.MultiGpu;

/// <summary>The AppHost with one ComfyUI per GPU (ComfyUI:Gpus) or several simulators (ComfyUI:Simulators), inspected
/// without starting anything, and published to docker-compose.yml.</summary>
public sealed class FleetAppModelTests
{
    private static readonly string ModelsPath = Path.Combine(Path.GetTempPath(), "fluxaspire-tests", "fleet-models");

    [Fact]
    public async Task Two_simulators_are_two_comfyui_resources_and_the_api_gets_the_second_as_a_backend_with_its_folders()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(["--ComfyUI:Simulators=2"]);

        var first = Assert.IsType<ComfyUISimulatorResource>(Resource(builder, "comfyui"));
        var second = Assert.IsType<ComfyUISimulatorResource>(Resource(builder, "comfyui-1"));
        Assert.NotEqual(first.DataDirectory, second.DataDirectory);
        Assert.Equal(2, builder.Resources.OfType<IComfyUIResource>().Count());

        var api = Resource(builder, "api");
        var env = await RunEnvironmentOf(api);
        Assert.Equal(Path.Combine(first.DataDirectory, "output"), env["ComfyUI__OutputDirectory"]);
        Assert.Equal("Endpoint={comfyui-1.bindings.http.url}", Assert.IsType<ReferenceExpression>(env["ComfyUI__Backends__0"]).ValueExpression);
        Assert.Equal(Path.Combine(second.DataDirectory, "input"), env["ComfyUI__Backends__0__InputDirectory"]);
        Assert.Equal(Path.Combine(second.DataDirectory, "output"), env["ComfyUI__Backends__0__OutputDirectory"]);
        Assert.Equal(WaitType.WaitUntilHealthy, WaitOf(api, "comfyui").Type);
    }

    [Fact]
    public async Task Gpus_2_in_container_mode_gives_each_container_its_own_gpu_and_one_shared_model_download()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--ComfyUI:Mode=container", "--ComfyUI:Gpus=2", $"--ComfyUI:ModelsPath={ModelsPath}", "--ASPIRE_CONTAINER_RUNTIME=docker"]);

        var first = Assert.IsType<ComfyUIResource>(Resource(builder, "comfyui"));
        var second = Assert.IsType<ComfyUIResource>(Resource(builder, "comfyui-1"));
        Assert.Equal(["--gpus", "device=0"], await RuntimeArgsOf(first));
        Assert.Equal(["--gpus", "device=1"], await RuntimeArgsOf(second));
        Assert.Equal(1, second.Annotations.OfType<GpuSupportAnnotation>().Single().DeviceIndex);
        Assert.Single(builder.Resources, r => r.Name.EndsWith("-models", StringComparison.Ordinal));
        foreach (var comfyui in new[] { first, second })
        {
            var mount = Assert.Single(comfyui.Annotations.OfType<ContainerMountAnnotation>());
            Assert.Equal((ModelsPath, ComfyUIResource.ModelsPath), (mount.Source, mount.Target));
            Assert.Equal(WaitType.WaitForCompletion, WaitOf(comfyui, "comfyui-models").Type);
        }
    }

    [Fact]
    public async Task Podman_gets_the_cdi_device_of_each_index()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--ComfyUI:Mode=container", "--ComfyUI:Gpus=2", $"--ComfyUI:ModelsPath={ModelsPath}", "--ASPIRE_CONTAINER_RUNTIME=podman"]);

        Assert.Equal(["--device", "nvidia.com/gpu=1"], await RuntimeArgsOf(Resource(builder, "comfyui-1")));
    }

    [Fact]
    public async Task Gpus_2_in_executable_mode_runs_each_checkout_process_on_its_gpu_with_its_own_folders_and_port()
    {
        var checkout = Path.Combine(Path.GetTempPath(), "fluxaspire-tests", "ComfyUI-fleet-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(checkout);
        File.WriteAllText(Path.Combine(checkout, "main.py"), "# a ComfyUI checkout, as far as the app model can tell\n");
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--ComfyUI:Mode=executable", $"--ComfyUI:Path={checkout}", "--ComfyUI:Gpus=2"]);

        var second = Assert.IsType<ComfyUIExecutableResource>(Resource(builder, "comfyui-1"));
        Assert.Equal("1", (await RunEnvironmentOf(second))["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("0", (await RunEnvironmentOf(Resource(builder, "comfyui")))["CUDA_VISIBLE_DEVICES"]);
        var args = (await ArgsOf(second)).OfType<string>().ToList();
        var own = Path.Combine(checkout, "instances", "comfyui-1");
        Assert.Equal(Path.Combine(own, "output"), args[args.IndexOf("--output-directory") + 1]);
        Assert.Equal(Path.Combine(own, "temp"), args[args.IndexOf("--temp-directory") + 1]);
        Assert.Equal(Path.Combine(own, "input"), args[args.IndexOf("--input-directory") + 1]);
        Assert.Equal(Path.Combine(checkout, "models"), second.ModelsDirectory);
        Assert.Equal(WaitType.WaitForCompletion, WaitOf(second, "comfyui-models").Type);
        Assert.Single(second.Annotations.OfType<EndpointAnnotation>());

        var env = await RunEnvironmentOf(Resource(builder, "api"));
        Assert.Equal(Path.Combine(own, "output"), env["ComfyUI__Backends__0__OutputDirectory"]);
    }

    [Theory]
    [InlineData("--ComfyUI:Gpus=0", "ComfyUI:Gpus '0' must be a count from 1 to 64, or all")]
    [InlineData("--ComfyUI:Simulators=many", "ComfyUI:Simulators 'many' must be a count from 1 to 16")]
    public async Task Bad_counts_stop_the_app_model_naming_the_key(string arg, string message)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>([arg]));

        Assert.Contains(message, Flatten(error));
    }

    [Fact]
    public async Task Published_compose_file_has_one_comfyui_service_per_gpu_each_reserving_its_device()
    {
        var output = Directory.CreateTempSubdirectory("fluxaspire-fleet-publish-").FullName;
        try
        {
            var deployment = await AppHostPublish.RunAsync(output, "--ComfyUI:Gpus=2");

            var services = deployment.Compose["services"]!.AsObject().Select(s => s.Key).ToList();
            Assert.Contains("comfyui", services);
            Assert.Contains("comfyui-1", services);
            for (var i = 0; i < 2; i++)
            {
                var device = Assert.Single(deployment.ComposeService(i == 0 ? "comfyui" : "comfyui-1")["deploy"]!["resources"]!["reservations"]!["devices"]!.AsArray())!;
                Assert.Equal([i.ToString()], device["device_ids"]!.AsArray().Select(d => (string?)d));
                Assert.Null(device["count"]);
            }

            var api = deployment.ComposeService("api")["environment"]!;
            Assert.Contains("comfyui-1", (string?)api["ComfyUI__Backends__0"]);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
