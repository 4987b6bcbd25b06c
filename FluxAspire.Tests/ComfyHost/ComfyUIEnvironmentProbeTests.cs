using Aspire.Hosting;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>The real probe running stand-in <c>nvidia-smi</c>, <c>docker</c> and <c>podman</c> scripts.</summary>
public sealed class ComfyUIEnvironmentProbeTests : IDisposable
{
    private readonly string _bin = Path.Combine(Path.GetTempPath(), "fluxaspire-tests", "bin-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _commands = [];

    public ComfyUIEnvironmentProbeTests() => Directory.CreateDirectory(_bin);

    public void Dispose() => Directory.Delete(_bin, recursive: true);

    [Fact]
    public async Task Nvidia_smi_listing_a_gpu_means_a_gpu()
    {
        Script("nvidia-smi", """[ "$1" = "-L" ] || exit 2; echo "GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-0a1b)" """);

        var result = await Probe().FindNvidiaGpuAsync(CancellationToken.None);

        Assert.Equal(new ProbeResult(true, "GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-0a1b)"), result);
    }

    [Fact]
    public async Task Several_gpus_are_counted()
    {
        Script("nvidia-smi", """echo "GPU 0: NVIDIA H100 (UUID: a)"; echo "GPU 1: NVIDIA H100 (UUID: b)" """);

        var result = await Probe().FindNvidiaGpuAsync(CancellationToken.None);

        Assert.Equal(new ProbeResult(true, "2 GPUs, GPU 0: NVIDIA H100 (UUID: a)"), result);
    }

    [Fact]
    public async Task A_failing_nvidia_smi_means_no_gpu_and_says_what_it_printed()
    {
        Script("nvidia-smi", """echo "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver." >&2; exit 9""");

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
    public async Task Docker_answering_info_is_the_runtime()
    {
        Script("docker", """[ "$1 $2 $3" = "info --format {{.ServerVersion}}" ] || exit 2; echo 27.3.1""");

        Assert.Equal(new ProbeResult(true, "docker 27.3.1"), await Probe().FindContainerRuntimeAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task A_docker_without_daemon_falls_back_to_podman()
    {
        Script("docker", """echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1""");
        Script("podman", """[ "$1 $2 $3" = "info --format {{.Version.Version}}" ] || exit 2; echo 5.2.2""");

        Assert.Equal(new ProbeResult(true, "podman 5.2.2"), await Probe().FindContainerRuntimeAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task No_runtime_answering_lists_each_reason()
    {
        Script("docker", """echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1""");

        var result = await Probe().FindContainerRuntimeAsync(null, CancellationToken.None);

        Assert.Equal(new ProbeResult(false,
            "docker info --format {{.ServerVersion}} failed (exit code 1): Cannot connect to the Docker daemon at unix:///var/run/docker.sock. " +
            "Is the docker daemon running?; podman not found on PATH"), result);
    }

    [Fact]
    public async Task A_hanging_runtime_counts_as_absent_after_the_timeout()
    {
        Script("docker", "sleep 20");
        var started = DateTime.UtcNow;

        var result = await Probe(TimeSpan.FromMilliseconds(500)).FindContainerRuntimeAsync("docker", CancellationToken.None);

        Assert.Equal(new ProbeResult(false, "docker info --format {{.ServerVersion}} did not answer within 0.5 s"), result);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_configured_runtime_is_the_only_one_tried()
    {
        var marker = Path.Combine(_bin, "docker-was-run");
        Script("docker", $"touch {marker}; echo 27.3.1");
        Script("podman", "echo 5.2.2");

        var result = await Probe().FindContainerRuntimeAsync("podman", CancellationToken.None);

        Assert.Equal(new ProbeResult(true, "podman 5.2.2"), result);
        Assert.False(File.Exists(marker));
    }

    private ComfyUIEnvironmentProbe Probe(TimeSpan? timeout = null) =>
        new(timeout ?? TimeSpan.FromSeconds(10), command => _commands.GetValueOrDefault(command));

    private void Script(string name, string body)
    {
        var path = Path.Combine(_bin, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _commands[name] = path;
    }
}
