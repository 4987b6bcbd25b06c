using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.Tests.ComfyHost;

/// <summary><c>ComfyUI:Mode=auto</c> (the default) with the environment checks answered by a fake probe.</summary>
public sealed class AutoModeTests
{
    [Fact]
    public async Task A_runtime_and_an_nvidia_gpu_mean_the_container()
    {
        var probe = new FakeProbe(FakeProbe.Gpu, FakeProbe.Docker);
        var builder = Builder("--ComfyUI:ModelsPath=/tmp/fluxaspire-tests/auto-models");

        var comfyui = builder.AddComfyUI("comfyui", new SimulatorProject(), probe);

        Assert.IsType<ComfyUIResource>(comfyui.Resource);
        Assert.Equal(
            "container: docker 27.3.1 answered and an NVIDIA GPU is visible (GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5f3e))",
            ModeOf(comfyui.Resource).ToString());
        Assert.Contains(builder.Resources, r => r is ComfyUIModelDownloadResource);
        Assert.Equal(["--gpus", "all"], await AppModel.RuntimeArgsOf(comfyui.Resource));
    }

    [Fact]
    public void Neither_means_the_simulator_and_says_both_reasons()
    {
        var builder = Builder();

        var comfyui = builder.AddComfyUI("comfyui", new SimulatorProject(), new FakeProbe(FakeProbe.NoGpu, FakeProbe.NoRuntime));

        Assert.IsType<ComfyUISimulatorResource>(comfyui.Resource);
        Assert.Equal(
            "simulator: no NVIDIA GPU found (nvidia-smi not found on PATH); " +
            "no container runtime answered (docker not found on PATH; podman not found on PATH)",
            ModeOf(comfyui.Resource).ToString());
        Assert.DoesNotContain(builder.Resources, r => r is ComfyUIModelDownloadResource);
    }

    [Fact]
    public void A_runtime_without_a_gpu_means_the_simulator()
    {
        var builder = Builder();

        var comfyui = builder.AddComfyUI("comfyui", new SimulatorProject(), new FakeProbe(FakeProbe.NoGpu, FakeProbe.Docker));

        Assert.IsType<ComfyUISimulatorResource>(comfyui.Resource);
        Assert.Equal("simulator: no NVIDIA GPU found (nvidia-smi not found on PATH), although docker 27.3.1 answered", ModeOf(comfyui.Resource).ToString());
    }

    [Fact]
    public void A_gpu_without_a_runtime_means_the_simulator()
    {
        var builder = Builder();
        var noDaemon = new ProbeResult(false, "docker info --format {{.ServerVersion}} failed (exit code 1): Cannot connect to the Docker daemon");

        var comfyui = builder.AddComfyUI("comfyui", new SimulatorProject(), new FakeProbe(FakeProbe.Gpu, noDaemon));

        Assert.IsType<ComfyUISimulatorResource>(comfyui.Resource);
        Assert.Equal(
            "simulator: no container runtime answered (docker info --format {{.ServerVersion}} failed (exit code 1): Cannot connect to the Docker daemon), " +
            "although an NVIDIA GPU is visible (GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5f3e))",
            ModeOf(comfyui.Resource).ToString());
    }

    [Theory]
    [InlineData("--ASPIRE_CONTAINER_RUNTIME=podman", "podman")]
    [InlineData("--DOTNET_ASPIRE_CONTAINER_RUNTIME=Podman", "podman")]
    [InlineData("--ComfyUI:Mode=auto", null)]
    public void The_runtime_check_asks_for_the_runtime_Aspire_was_told_to_use(string arg, string? expected)
    {
        var probe = new FakeProbe(FakeProbe.NoGpu, FakeProbe.NoRuntime);
        var builder = Builder(arg);

        builder.AddComfyUI("comfyui", new SimulatorProject(), probe);

        Assert.Equal([expected], probe.RuntimeChecks);
        Assert.Equal(1, probe.GpuChecks);
    }

    [Theory]
    [InlineData("simulator", typeof(ComfyUISimulatorResource))]
    [InlineData("container", typeof(ComfyUIResource))]
    [InlineData("external", typeof(ComfyUIExternalResource))]
    public void A_configured_mode_wins_and_runs_no_checks(string mode, Type expected)
    {
        var probe = new FakeProbe(FakeProbe.Gpu, FakeProbe.Docker);
        var builder = Builder($"--ComfyUI:Mode={mode}", "--ComfyUI:Url=http://gpu-box:8188");

        var comfyui = builder.AddComfyUI("comfyui", new SimulatorProject(), probe);

        Assert.IsType(expected, comfyui.Resource);
        Assert.Equal($"{mode}: set by ComfyUI:Mode", ModeOf(comfyui.Resource).ToString());
        Assert.Equal((0, 0), (probe.GpuChecks, probe.RuntimeChecks.Count));
    }

    [Fact]
    public void Publishing_with_auto_means_the_container_without_checks()
    {
        var probe = new FakeProbe(FakeProbe.NoGpu, FakeProbe.NoRuntime);
        var builder = Builder("--operation", "publish", "--publisher", "manifest");

        var comfyui = builder.AddComfyUI("comfyui", new SimulatorProject(), probe);

        Assert.IsType<ComfyUIResource>(comfyui.Resource);
        Assert.Equal("container: publishing describes the GPU deployment", ModeOf(comfyui.Resource).ToString());
        Assert.Equal((0, 0), (probe.GpuChecks, probe.RuntimeChecks.Count));
    }

    [Fact]
    public void Every_mode_gets_the_dashboard_commands()
    {
        var builder = Builder();

        var comfyui = builder.AddComfyUI("comfyui", new SimulatorProject(), new FakeProbe(FakeProbe.NoGpu, FakeProbe.NoRuntime));

        Assert.Equal(["comfyui-free-memory", "comfyui-interrupt"], AppModel.CommandNames(comfyui.Resource));
    }

    // A bare builder: AddComfyUI is all there is to inspect, and nothing is built or started.
    private static IDistributedApplicationBuilder Builder(params string[] args) => DistributedApplication.CreateBuilder(args);

    private static ComfyUIModeAnnotation ModeOf(IResource resource) => Assert.Single(resource.Annotations.OfType<ComfyUIModeAnnotation>());
}
