namespace FluxAspire.AppHost.Publishing;

/// <summary>
/// A value the deployment supplies, written as <c>${Name}</c> instead of a literal: secrets never reach the published
/// files. Compose fills it from <c>.env</c>; for Salad, <c>salad-deploy.sh</c> fills it from the environment.
/// </summary>
/// <param name="Name">The environment variable that holds the value.</param>
/// <param name="Description">What to put there.</param>
/// <param name="Required">Whether deploying without it is an error (otherwise it may be empty).</param>
/// <param name="Default">The value used when it is unset (Compose only).</param>
internal sealed record Placeholder(string Name, string Description, bool Required = false, string? Default = null)
{
    public static Placeholder OtlpEndpoint { get; } = new("OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTLP endpoint for traces, metrics and logs, e.g. https://api.axiom.co (empty: no export)");

    public static Placeholder OtlpHeaders { get; } = new("OTEL_EXPORTER_OTLP_HEADERS",
        "OTLP headers, e.g. Authorization=Bearer <axiom token>,X-Axiom-Dataset=<dataset>");

    // Axiom keeps each signal in its own dataset; the .NET SDK's UseOtlpExporter reads per-signal headers, empty means unset.
    public static Placeholder OtlpLogsHeaders { get; } = new("OTEL_EXPORTER_OTLP_LOGS_HEADERS",
        "OTLP headers for logs only, e.g. Authorization=Bearer <axiom token>,X-Axiom-Dataset=<logs dataset> (empty: OTEL_EXPORTER_OTLP_HEADERS)");

    public static Placeholder OtlpMetricsHeaders { get; } = new("OTEL_EXPORTER_OTLP_METRICS_HEADERS",
        "OTLP headers for metrics only, e.g. Authorization=Bearer <axiom token>,X-Axiom-Dataset=<metrics dataset> (empty: OTEL_EXPORTER_OTLP_HEADERS)");

    public static Placeholder OtlpProtocol { get; } = new("OTEL_EXPORTER_OTLP_PROTOCOL",
        "http/protobuf (Axiom accepts OTLP over HTTP only) or grpc", Default: "http/protobuf");

    public static Placeholder WebhookSecret { get; } = new("WEBHOOK_SECRET",
        "base64 key that signs webhook_v2 and system webhooks (empty: unsigned)");

    public static Placeholder ApiKey { get; } = new("API_KEY",
        "optional key callers send as X-Api-Key (empty: no check)");

    public static Placeholder RedisConnectionString { get; } = new("REDIS_CONNECTION_STRING",
        "StackExchange.Redis connection string of a Redis every replica reaches, e.g. host:6379,password=...,ssl=true", Required: true);

    /// <summary>The environment variable for an AppHost parameter: <c>hf-token</c> becomes <c>HF_TOKEN</c>.</summary>
    public static string VariableName(string parameterName) =>
        new(parameterName.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray());
}
