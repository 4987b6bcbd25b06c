using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Pipeline.Downloads;

/// <summary>Limits of model downloads (POST /download and model URLs in graphs). Bound from "Downloads".</summary>
public sealed class DownloadOptions
{
    public const string SectionName = "Downloads";

    /// <summary>Largest model file accepted, checked while streaming (default 40 GiB: FLUX.1-dev fp16 is ~23 GB).</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 40L * 1024 * 1024 * 1024;

    /// <summary>Longest a whole download may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>ComfyUI's models folder as this process sees it (shared volume or same machine). Bound from "ComfyUI".</summary>
public sealed class ModelFolderOptions
{
    public string? ModelsDirectory { get; set; }
}
