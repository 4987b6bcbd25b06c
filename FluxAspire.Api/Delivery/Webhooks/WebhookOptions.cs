using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Delivery.Webhooks;

/// <summary>How webhooks are delivered. The signing secret is read from WEBHOOK_SECRET (see <see cref="WebhookSecret"/>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>How long a webhook is retried (network errors, 408, 429, 5xx) before it is given up and logged.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>First retry delay; it doubles per attempt (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Deliveries in flight at once; the rest wait in the (unbounded, in-memory) delivery queue.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentDeliveries { get; set; } = 16;
}
