using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>How the API talks to ComfyUI. Bound from the "ComfyUI" section; the address normally comes from the
/// "comfyui" connection string (see <see cref="ComfyEndpoint"/>).</summary>
public sealed class ComfyOptions
{
    public const string SectionName = "ComfyUI";

    /// <summary>Fallback address when ConnectionStrings:comfyui is not set.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Resolved at start-up from the connection string or <see cref="BaseUrl"/>; never configured directly.</summary>
    public Uri? BaseUri { get; set; }

    /// <summary>Limit for one HTTP call to ComfyUI (not for a whole job; see JobsOptions.Timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>With no WebSocket message for a job for this long, its waiter asks GET /history (the authority).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a waiter polls GET /history while the WebSocket is down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan HistoryPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A running job fails with 503 once ComfyUI has been unreachable for this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan UnreachableGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts for POST /prompt; every retry first checks /queue and /history so a prompt is never queued twice.</summary>
    [Range(1, 10)]
    public int SubmitAttempts { get; set; } = 3;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The same settings for another ComfyUI (ComfyUI:Backends).</summary>
    internal ComfyOptions ForBackend(Uri baseUri)
    {
        var copy = (ComfyOptions)MemberwiseClone();
        copy.BaseUri = baseUri;
        return copy;
    }

    /// <summary>Include ComfyUI's Python traceback in execution error responses (off: it reveals server paths).</summary>
    public bool IncludeTraceback { get; set; }
}
