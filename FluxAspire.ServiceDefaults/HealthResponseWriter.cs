using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>Writes a health report as the recipe's API does: <c>{"status":"healthy","version":"…"}</c>.</summary>
internal static class HealthResponseWriter
{
    // The informational version without its "+<commit>" build metadata, e.g. "1.0.0".
    private static readonly string Version =
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "unknown";

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var status = report.Status == HealthStatus.Healthy ? "healthy" : "not healthy";
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["status"] = status,
            ["version"] = Version,
        }));
    }
}
