namespace Aspire.Hosting;

/// <summary>Where ComfyUI comes from; chosen by <c>ComfyUI:Mode</c>. Each mode has its own <c>IComfyUIResource</c> type.</summary>
public enum ComfyUIMode
{
    /// <summary>
    /// The default: <see cref="Container"/> when a container runtime answers and an NVIDIA GPU is visible, otherwise
    /// <see cref="Simulator"/>, with the reason in the log and on the dashboard. Publishing always means the container.
    /// </summary>
    Auto,

    /// <summary>FluxAspire.ComfySim: no GPU or container engine needed.</summary>
    Simulator,

    /// <summary>Real ComfyUI in a GPU container built from <c>comfyui/Dockerfile</c>, with the FLUX model volume.</summary>
    Container,

    /// <summary>An existing ComfyUI at <c>ComfyUI:Url</c>.</summary>
    External,

    /// <summary>A local ComfyUI checkout at <c>ComfyUI:Path</c>, started with <c>python main.py</c>.</summary>
    Executable,
}
