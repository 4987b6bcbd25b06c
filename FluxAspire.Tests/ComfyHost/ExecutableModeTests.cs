using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using static FluxAspire.Tests.Infrastructure.AppModel;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>The AppHost with <c>ComfyUI:Mode=executable</c> and a ComfyUI checkout (here: a folder with a main.py).</summary>
public sealed class ExecutableModeTests : IDisposable
{
    private readonly string _checkout = Path.Combine(Path.GetTempPath(), "fluxaspire-tests", "ComfyUI-" + Guid.NewGuid().ToString("N"));

    public ExecutableModeTests()
    {
        Directory.CreateDirectory(_checkout);
        File.WriteAllText(Path.Combine(_checkout, "main.py"), "# stands in for ComfyUI's main.py\n");
    }

    public void Dispose() => Directory.Delete(_checkout, recursive: true);

    [Fact]
    public async Task Comfyui_is_python_main_py_in_the_checkout()
    {
        await using var builder = await ExecutableApp("--ComfyUI:Python=/opt/venv/bin/python");

        var comfyui = Assert.IsType<ComfyUIExecutableResource>(Resource(builder, "comfyui"));

        Assert.Equal(("/opt/venv/bin/python", _checkout), (comfyui.Command, comfyui.WorkingDirectory));
        Assert.Equal(new ComfyUIModeAnnotation(ComfyUIMode.Executable, "set by ComfyUI:Mode"), comfyui.Annotations.OfType<ComfyUIModeAnnotation>().Single());
        Assert.Equal("Endpoint={comfyui.bindings.http.url}", comfyui.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task Python_defaults_to_python3()
    {
        await using var builder = await ExecutableApp();

        Assert.Equal("python3", ((ComfyUIExecutableResource)Resource(builder, "comfyui")).Command);
    }

    [Fact]
    public async Task Main_py_listens_on_loopback_at_the_allocated_port_headless()
    {
        await using var builder = await ExecutableApp();
        var comfyui = (ComfyUIExecutableResource)Resource(builder, "comfyui");

        var args = await ArgsOf(comfyui);

        Assert.Equal(["main.py", "--listen", "127.0.0.1", "--port"], args.Take(4));
        var port = Assert.IsType<EndpointReferenceExpression>(args[4]);
        Assert.Equal(("http", EndpointProperty.TargetPort), (port.Endpoint.EndpointName, port.Property));
        Assert.Same(comfyui, port.Endpoint.Resource);
        Assert.Equal(["--disable-auto-launch", "--disable-api-nodes", "--preview-method", "latent2rgb"], args.Skip(5));
        Assert.Equal("1", (await RunEnvironmentOf(comfyui))["PYTHONUNBUFFERED"]);
    }

    [Fact]
    public async Task Empty_args_leave_only_the_fixed_flags()
    {
        await using var builder = await ExecutableApp("--ComfyUI:Args=");

        Assert.Equal(["--disable-auto-launch"], (await ArgsOf(Resource(builder, "comfyui"))).Skip(5));
    }

    [Fact]
    public async Task The_download_step_fills_the_checkouts_models_folder_first()
    {
        await using var builder = await ExecutableApp();
        var comfyui = Resource(builder, "comfyui");

        var download = Assert.IsType<ComfyUIModelDownloadResource>(Resource(builder, "comfyui-models"));

        Assert.Equal(Path.Combine(_checkout, "models"), download.ModelsDirectory);
        Assert.Equal([ModelFile.FluxDevFp8Checkpoint], download.Files);
        Assert.Equal(WaitType.WaitForCompletion, WaitOf(comfyui, "comfyui-models").Type);
    }

    [Fact]
    public async Task Health_check_and_dashboard_commands()
    {
        await using var builder = await ExecutableApp();
        var comfyui = Resource(builder, "comfyui");

        Assert.Single(comfyui.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Equal(["comfyui-free-memory", "comfyui-interrupt"], CommandNames(comfyui));
    }

    [Fact]
    public async Task Api_shares_the_checkouts_folders()
    {
        await using var builder = await ExecutableApp();

        var env = await RunEnvironmentOf(Resource(builder, "api"));

        Assert.Equal(Path.Combine(_checkout, "input"), env["ComfyUI__InputDirectory"]);
        Assert.Equal(Path.Combine(_checkout, "output"), env["ComfyUI__OutputDirectory"]);
        Assert.Equal(Path.Combine(_checkout, "models"), env["ComfyUI__ModelsDirectory"]);
    }

    [Fact]
    public async Task A_folder_without_main_py_fails_before_anything_starts()
    {
        File.Delete(Path.Combine(_checkout, "main.py"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ExecutableApp());

        Assert.Contains($"ComfyUI:Path '{_checkout}' has no main.py: it is not a ComfyUI checkout", error.ToString());
    }

    private Task<IDistributedApplicationTestingBuilder> ExecutableApp(params string[] args) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--ComfyUI:Mode=executable", $"--ComfyUI:Path={_checkout}", .. args]);
}
