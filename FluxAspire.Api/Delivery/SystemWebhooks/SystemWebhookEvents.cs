namespace FluxAspire.Api.Delivery.SystemWebhooks;

/// <summary>The 13 event names of SYSTEM_WEBHOOK_EVENTS (salad contract §1.5): ComfyUI WebSocket message types, sent as
/// "comfy.&lt;name&gt;", and storage events, sent as "storage.&lt;name&gt;".</summary>
public static class SystemWebhookEvents
{
    public const string ConfigurationKey = "SYSTEM_WEBHOOK_EVENTS";

    public static readonly IReadOnlyList<string> Comfy =
    [
        "status", "progress", "progress_state", "executing", "execution_start", "execution_cached", "executed",
        "execution_success", "execution_interrupted", "execution_error",
    ];

    public const string FileDownloaded = "file_downloaded";
    public const string FileUploaded = "file_uploaded";
    public const string FileDeleted = "file_deleted";

    public static readonly IReadOnlyList<string> Storage = [FileDownloaded, FileUploaded, FileDeleted];

    public static IEnumerable<string> All => Comfy.Concat(Storage);

    /// <summary>"all", or a comma list of event names (blank entries ignored). Throws
    /// <see cref="InvalidOperationException"/> naming every unknown name and the accepted ones.</summary>
    public static IReadOnlySet<string> Parse(string? value)
    {
        var names = (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Any(n => n.Equals("all", StringComparison.OrdinalIgnoreCase))) return All.ToHashSet(StringComparer.Ordinal);
        var unknown = names.Where(n => !All.Contains(n, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey}: unknown event {string.Join(", ", unknown.Select(n => $"'{n}'"))}; expected 'all' or a comma list of {string.Join(", ", All)}.");
        }

        return names.ToHashSet(StringComparer.Ordinal);
    }
}
