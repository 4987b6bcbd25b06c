using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Delivery.Outbound;

/// <summary>Rules for every URL a request makes us call (webhooks, http_upload, image inputs).</summary>
public sealed class OutboundUrlsOptions : IValidatableObject
{
    public const string SectionName = "OutboundUrls";

    /// <summary>
    /// Exact "host:port" entries exempt from the address rules (e.g. "127.0.0.1:9000", "[::1]:9000",
    /// "receiver.internal:8080"); env OutboundUrls__Allow__0=127.0.0.1:9000. The host is compared as written in the URL.
    /// </summary>
    public List<string> Allow { get; set; } = [];

    /// <summary>Whole-request timeout of one outbound call (each redirect hop counts separately).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Redirects followed (each hop re-checked) before giving up.</summary>
    [Range(0, 20)]
    public int MaxRedirects { get; set; } = 5;

    /// <summary>Largest response body read into memory.</summary>
    [Range(1, long.MaxValue)]
    public long MaxResponseBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>A malformed Allow entry would silently allow nothing; fail at startup instead.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in Allow)
        {
            var separator = entry.LastIndexOf(':');
            var port = separator > 0 && int.TryParse(entry.AsSpan(separator + 1), out var p) ? p : 0;
            if (port is < 1 or > 65535 || entry[..Math.Max(separator, 0)].Trim('[', ']').Length == 0)
            {
                yield return new ValidationResult($"OutboundUrls:Allow entry '{entry}' must be host:port (e.g. 127.0.0.1:9000 or [::1]:9000)", [nameof(Allow)]);
            }
        }
    }
}
