namespace Aspire.Hosting;

/// <summary>
/// Where ComfyUI comes from; chosen by <c>ComfyUI:Mode</c>. The GPU container and a local ComfyUI checkout come next
/// (issue 6): each is one more value here, one more <c>IComfyUIResource</c> type and one more <c>Add…</c> method.
/// </summary>
public enum ComfyUIMode
{
    /// <summary>FluxAspire.ComfySim: no GPU or container engine needed. The default.</summary>
    Simulator,

    /// <summary>An existing ComfyUI at <c>ComfyUI:Url</c>.</summary>
    External,
}
