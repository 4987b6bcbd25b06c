namespace Aspire.Hosting.ApplicationModel;

/// <summary>Which ComfyUI mode was chosen and why; shown in the AppHost log and as dashboard properties of the resource.</summary>
/// <param name="Mode">The mode in effect (never <see cref="ComfyUIMode.Auto"/>).</param>
/// <param name="Reason">Why, in words: what the checks found, or that configuration or publishing decided.</param>
public sealed record ComfyUIModeAnnotation(ComfyUIMode Mode, string Reason) : IResourceAnnotation
{
    /// <summary>The dashboard property that shows the mode.</summary>
    public const string ModeProperty = "comfyui.mode";

    /// <summary>The dashboard property that shows the reason.</summary>
    public const string ReasonProperty = "comfyui.mode.reason";

    /// <summary>The mode's configuration name, e.g. <c>simulator</c>.</summary>
    public string ModeName => Mode.ToString().ToLowerInvariant();

    /// <summary>One line for the log: <c>simulator: no NVIDIA GPU found (nvidia-smi not found on PATH)</c>.</summary>
    public override string ToString() => $"{ModeName}: {Reason}";
}
