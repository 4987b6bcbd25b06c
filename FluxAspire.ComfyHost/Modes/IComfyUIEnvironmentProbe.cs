namespace Aspire.Hosting;

/// <summary>The checks behind <c>ComfyUI:Mode=auto</c>; replaceable so tests can drive every branch without Docker or a GPU.</summary>
public interface IComfyUIEnvironmentProbe
{
    /// <summary>Whether an NVIDIA GPU is visible (the real probe runs <c>nvidia-smi -L</c>).</summary>
    Task<ProbeResult> FindNvidiaGpuAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Whether a container runtime answers: only <paramref name="configuredRuntime"/> when Aspire is told which to use,
    /// else docker, then podman. A found result's detail starts with the runtime's name.
    /// </summary>
    Task<ProbeResult> FindContainerRuntimeAsync(string? configuredRuntime, CancellationToken cancellationToken);
}
