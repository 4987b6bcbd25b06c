using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>Turns <c>ComfyUI:Mode</c> into the mode to run, with the reason; <c>auto</c> asks the probe.</summary>
public static class ComfyUIModeResolver
{
    /// <summary>
    /// A configured mode wins. Publishing with <c>auto</c> means the GPU container (the deployment has the GPU, not this
    /// machine). Otherwise <c>auto</c> picks the container only when a container runtime answers AND an NVIDIA GPU is
    /// visible, else the simulator; both checks run at once, so the slower one bounds the wait.
    /// </summary>
    /// <param name="configured">The configured mode.</param>
    /// <param name="isPublishMode">Whether the AppHost is publishing rather than running.</param>
    /// <param name="configuredRuntime">Aspire's container runtime setting (<c>ASPIRE_CONTAINER_RUNTIME</c>), if any.</param>
    /// <param name="probe">The environment checks.</param>
    /// <param name="cancellationToken">Stops the checks.</param>
    public static async Task<ComfyUIModeAnnotation> ResolveAsync(
        ComfyUIMode configured, bool isPublishMode, string? configuredRuntime, IComfyUIEnvironmentProbe probe, CancellationToken cancellationToken)
    {
        if (configured != ComfyUIMode.Auto)
        {
            return new(configured, $"set by {ComfyUIHostOptions.SectionName}:Mode");
        }

        if (isPublishMode)
        {
            return new(ComfyUIMode.Container, "publishing describes the GPU deployment");
        }

        var gpuCheck = probe.FindNvidiaGpuAsync(cancellationToken);
        var runtimeCheck = probe.FindContainerRuntimeAsync(configuredRuntime, cancellationToken);
        var (gpu, runtime) = (await gpuCheck, await runtimeCheck);
        var gpuText = gpu.Found ? $"an NVIDIA GPU is visible ({gpu.Detail})" : $"no NVIDIA GPU found ({gpu.Detail})";
        var runtimeText = ContainerRuntimeProbe.Describe(runtime);
        return (gpu.Found, runtime.Found) switch
        {
            (true, true) => new(ComfyUIMode.Container, $"{runtimeText} and {gpuText}"),
            (false, false) => new(ComfyUIMode.Simulator, $"{gpuText}; {runtimeText}"),
            (false, true) => new(ComfyUIMode.Simulator, $"{gpuText}, although {runtimeText}"),
            (true, false) => new(ComfyUIMode.Simulator, $"{runtimeText}, although {gpuText}"),
        };
    }
}
