using System.Text.Json.Nodes;

namespace FluxAspire.Api.Delivery.SystemWebhooks;

/// <summary>SYSTEM_WEBHOOK_URL, SYSTEM_WEBHOOK_EVENTS and the metadata sent with every system webhook, read once at
/// start-up; bad values stop the app with a message naming the key.</summary>
public sealed record SystemWebhookSettings(Uri? Url, IReadOnlySet<string> Events, JsonObject Metadata)
{
    public const string UrlKey = "SYSTEM_WEBHOOK_URL";
    public const string MetadataPrefix = "SYSTEM_META_";

    /// <summary>The Salad-provided variables copied into metadata as salad_&lt;snake_case&gt; (identifiers only, no secrets).</summary>
    public static readonly IReadOnlyList<string> SaladVariables =
    [
        "SALAD_MACHINE_ID", "SALAD_CONTAINER_GROUP_ID", "SALAD_CONTAINER_GROUP_NAME", "SALAD_ORGANIZATION_NAME",
        "SALAD_PROJECT_NAME",
    ];

    public bool Enabled => Url is not null && Events.Count > 0;

    public bool Wants(string name) => Url is not null && Events.Contains(name);

    public static SystemWebhookSettings FromConfiguration(IConfiguration configuration)
    {
        var events = SystemWebhookEvents.Parse(configuration[SystemWebhookEvents.ConfigurationKey]);
        Uri? url = null;
        if (configuration[UrlKey] is { Length: > 0 } text)
        {
            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out url) || url.Scheme is not ("http" or "https"))
                throw new InvalidOperationException($"{UrlKey} must be an absolute http or https URL.");
        }

        return new SystemWebhookSettings(url, events, ReadMetadata(configuration));
    }

    private static JsonObject ReadMetadata(IConfiguration configuration)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in configuration.AsEnumerable().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            // Key kept as written after the prefix, as in the recipe: SYSTEM_META_region=eu → "region": "eu".
            if (value is not null && key.StartsWith(MetadataPrefix, StringComparison.Ordinal) && key.Length > MetadataPrefix.Length)
                metadata[key[MetadataPrefix.Length..]] = value;
        }

        foreach (var name in SaladVariables)
        {
            if (configuration[name] is { } value) metadata[name.ToLowerInvariant()] = value;
        }

        return metadata;
    }
}
