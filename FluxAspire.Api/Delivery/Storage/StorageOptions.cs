using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Delivery.Storage;

/// <summary>How uploads to S3, Azure Blob Storage and the Hugging Face Hub are made. Which providers exist, and their
/// credentials, come from each provider's standard environment (<see cref="StorageProviders"/>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Attempts per file; throttling (429, SlowDown), 5xx, timeouts and network errors are retried with
    /// exponential backoff and jitter. The SDKs' own retries are off, so this is the one retry policy.</summary>
    [Range(2, 20)]
    public int MaxAttempts { get; set; } = 4;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Files at least this large go to S3 as multipart uploads, and to Azure as staged blocks.</summary>
    [Range(1L, 5L * 1024 * 1024 * 1024)]
    public long MultipartThresholdBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>Part (S3) and block (Azure) size of those uploads; S3 needs at least 5 MiB.</summary>
    [Range(5L * 1024 * 1024, 512L * 1024 * 1024)]
    public long PartSizeBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Longest one attempt at one file may take.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest s3:// or Azure blob object read as a model file (image inputs keep Inputs:MaxBytes).</summary>
    [Range(1L, long.MaxValue)]
    public long MaxDownloadBytes { get; set; } = 64L * 1024 * 1024 * 1024;
}
