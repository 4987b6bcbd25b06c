using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>Limits for image inputs (base64 or URL). Bound from the "ImageInputs" section.</summary>
public sealed class ImageInputOptions
{
    public const string SectionName = "ImageInputs";

    /// <summary>Largest image accepted, inline or downloaded.</summary>
    [Range(1024, 1L << 31)]
    public long MaxBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Most image inputs (base64 or URL) one request may carry; each past it is a 400 naming its input.</summary>
    [Range(1, 1000)]
    public int MaxCount { get; set; } = 16;

    /// <summary>Limit for downloading one image URL, headers and body together.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
