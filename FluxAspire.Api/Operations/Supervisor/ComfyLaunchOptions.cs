using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>
/// How the API starts ComfyUI itself as a child process (the one-image deployment). Bound from "ComfyUI:Launch";
/// off unless <see cref="Command"/> is set. The child must listen where ConnectionStrings:comfyui points.
/// </summary>
public sealed class ComfyLaunchOptions
{
    public const string SectionName = "ComfyUI:Launch";

    /// <summary>The program to run, e.g. "python" (looked up on PATH) or an absolute path. Unset: no child process.</summary>
    public string? Command { get; set; }

    /// <summary>Its arguments, one list item each (env: ComfyUI__Launch__Arguments__0, __1, …). Logged at start: no secrets here.</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>Its working directory (e.g. the ComfyUI checkout); unset: the API's own.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>A child that has not answered GET /system_stats this long after it started is hung: it is killed and restarted.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wait before the first restart; it doubles per restart up to <see cref="RestartMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RestartMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RestartMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A child that answered for this long before it exited restarts after <see cref="RestartMinDelay"/> again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Between SIGTERM and SIGKILL when the child is stopped (API shutdown or a hang). Short enough that the
    /// whole shutdown fits in `docker stop`'s 10 s before it SIGKILLs the API.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many ComfyUI children to run, one per GPU of a multi-GPU node: child i gets <c>CUDA_VISIBLE_DEVICES=i</c> and
    /// listens on ConnectionStrings:comfyui's port + i, and the API drives each as a backend (comfyui, comfyui-1, …).
    /// <c>{instance}</c> and <c>{port}</c> in <see cref="Arguments"/> and in ComfyUI:InputDirectory / OutputDirectory
    /// become each child's index and port.
    /// </summary>
    [Range(1, 16)]
    public int Instances { get; set; } = 1;

    public bool Enabled => !string.IsNullOrWhiteSpace(Command);
}
