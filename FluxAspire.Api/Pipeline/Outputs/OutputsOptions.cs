using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Pipeline.Outputs;

/// <summary>Output files. Bound from the "Outputs" section.</summary>
public sealed class OutputsOptions
{
    public const string SectionName = "Outputs";

    /// <summary>Bytes of free output buffers kept for the next outputs; buffers given back beyond it are left to the GC.
    /// Outputs in use are bounded by what holds them (Jobs:MaxRetainedOutputBytes, Cache:MaxMemoryBytes, the requests in flight).</summary>
    [Range(typeof(long), "0", "17179869184")]
    public long MaxPooledBytes { get; set; } = 32L * 1024 * 1024;
}
