using Aspire.Hosting;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>The real probe running a stand-in <c>nvidia-smi</c>; its container runtime check is <see cref="ContainerRuntimeProbeTests"/>.</summary>
public sealed class ComfyUIEnvironmentProbeTests : IDisposable
{
    private readonly StandInCommands _commands = new();

    public void Dispose() => _commands.Dispose();

    [Fact]
    public async Task Nvidia_smi_listing_a_gpu_means_a_gpu()
    {
        _commands.Script("nvidia-smi", """[ "$1" = "-L" ] || exit 2; echo "GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-0a1b)" """);

        var result = await Probe().FindNvidiaGpuAsync(CancellationToken.None);

        Assert.Equal(new ProbeResult(true, "GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-0a1b)", 1), result);
    }

    [Fact]
    public async Task Several_gpus_are_counted()
    {
        _commands.Script("nvidia-smi", """echo "GPU 0: NVIDIA H100 (UUID: a)"; echo "GPU 1: NVIDIA H100 (UUID: b)" """);

        var result = await Probe().FindNvidiaGpuAsync(CancellationToken.None);

        Assert.Equal(new ProbeResult(true, "2 GPUs, GPU 0: NVIDIA H100 (UUID: a)", 2), result);
    }

    [Fact]
    public async Task A_failing_nvidia_smi_means_no_gpu_and_says_what_it_printed()
    {
        _commands.Script("nvidia-smi", """echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver." >&2; exit 9""");

        var result = await Probe().FindNvidiaGpuAsync(CancellationToken.None);

        Assert.Equal(new ProbeResult(false,
            "nvidia-smi -L failed (exit code 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."), result);
    }

    [Fact]
    public async Task A_missing_nvidia_smi_means_no_gpu()
    {
        Assert.Equal(new ProbeResult(false, "nvidia-smi not found on PATH"), await Probe().FindNvidiaGpuAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Its_runtime_check_uses_the_same_commands()
    {
        _commands.Script("docker", """[ "$1 $2 $3" = "info --format {{.ServerVersion}}" ] || exit 2; echo 27.3.1""");

        Assert.Equal(new ProbeResult(true, "docker 27.3.1"), await Probe().FindContainerRuntimeAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task A_shared_runtime_probe_answers_for_it()
    {
        var marker = Path.Combine(_commands.Folder, "docker-runs");
        _commands.Script("docker", $"echo run >> {marker}; echo 27.3.1");
        var runtime = new ContainerRuntimeProbe(TimeSpan.FromSeconds(10), _commands.Find);
        var first = await runtime.FindAsync(null, CancellationToken.None);

        var second = await new ComfyUIEnvironmentProbe(runtime).FindContainerRuntimeAsync(null, CancellationToken.None);

        Assert.Equal(first, second);
        Assert.Single(File.ReadAllLines(marker));
    }

    private ComfyUIEnvironmentProbe Probe(TimeSpan? timeout = null) => new(timeout ?? TimeSpan.FromSeconds(10), _commands.Find);
}
