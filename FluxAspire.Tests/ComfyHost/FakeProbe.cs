using Aspire.Hosting;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>Answers the auto-mode checks with fixed results and records what it was asked.</summary>
internal sealed class FakeProbe(ProbeResult gpu, ProbeResult runtime) : IComfyUIEnvironmentProbe
{
    public static readonly ProbeResult Gpu = new(true, "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5f3e)");
    public static readonly ProbeResult NoGpu = new(false, "nvidia-smi not found on PATH");
    public static readonly ProbeResult Docker = new(true, "docker 27.3.1");
    public static readonly ProbeResult NoRuntime = new(false, "docker not found on PATH; podman not found on PATH");

    public int GpuChecks { get; private set; }

    public List<string?> RuntimeChecks { get; } = [];

    public Task<ProbeResult> FindNvidiaGpuAsync(CancellationToken cancellationToken)
    {
        GpuChecks++;
        return Task.FromResult(gpu);
    }

    public Task<ProbeResult> FindContainerRuntimeAsync(string? configuredRuntime, CancellationToken cancellationToken)
    {
        RuntimeChecks.Add(configuredRuntime);
        return Task.FromResult(runtime);
    }
}
