namespace Aspire.Hosting.ApplicationModel;

/// <summary>The GPU maker a container asks for; it decides the container runtime arguments and the deployment's device request.</summary>
public enum GpuVendor
{
    /// <summary>NVIDIA, through the NVIDIA Container Toolkit (Docker <c>--gpus</c>, Podman CDI <c>nvidia.com/gpu</c>).</summary>
    Nvidia,
}
