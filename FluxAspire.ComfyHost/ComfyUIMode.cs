namespace Aspire.Hosting;

/// <summary>Where ComfyUI comes from; chosen by <c>ComfyUI:Mode</c>.</summary>
public enum ComfyUIMode
{
    /// <summary>FluxAspire.ComfySim: no GPU or container engine needed. The default.</summary>
    Simulator,

    /// <summary>An existing ComfyUI at <c>ComfyUI:Url</c>.</summary>
    External,
}
