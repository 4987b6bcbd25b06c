using System.Data.Common;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>Finds ComfyUI's address: ConnectionStrings:comfyui (a URL or "Endpoint=&lt;url&gt;", as Aspire writes it),
/// else ComfyUI:BaseUrl.</summary>
public static class ComfyEndpoint
{
    public const string ConnectionStringName = "comfyui";

    public static Uri? Resolve(string? connectionString, string? baseUrl, string keys = "ConnectionStrings:comfyui or ComfyUI:BaseUrl")
    {
        var raw = FromConnectionString(connectionString) ?? baseUrl;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (!Uri.TryCreate(raw.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException(
                // The value itself is not echoed: a connection string may carry credentials.
                $"The ComfyUI address ({keys}) must be an absolute http(s) URL, e.g. http://127.0.0.1:8188.");
        }

        // A trailing slash keeps a path prefix (ComfyUI behind a reverse proxy) when relative URLs are resolved.
        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
    }

    private static string? FromConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        if (Uri.TryCreate(connectionString.Trim(), UriKind.Absolute, out _))
        {
            return connectionString.Trim();
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return connectionString;
        }

        return builder.TryGetValue("Endpoint", out var endpoint) ? endpoint?.ToString() : connectionString;
    }
}
