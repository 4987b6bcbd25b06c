namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>The child inherits the API's environment minus the API's own secrets: ComfyUI (and its custom nodes) need none of them.</summary>
internal static class ChildEnvironment
{
    private static readonly string[] SecretNames = ["API_KEY", "Api__Key", "WEBHOOK_SECRET", "OTEL_EXPORTER_OTLP_HEADERS"];
    private static readonly string[] SecretPrefixes = ["ConnectionStrings__"];

    public static void RemoveSecrets(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.Where(IsSecret).ToList())
        {
            environment.Remove(name);
        }
    }

    // Case-insensitive like .NET configuration, which reads api__key as Api:Key.
    internal static bool IsSecret(string name) =>
        SecretNames.Any(s => name.Equals(s, StringComparison.OrdinalIgnoreCase)) ||
        SecretPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
