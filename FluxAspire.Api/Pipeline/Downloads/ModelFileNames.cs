using System.Security.Cryptography;
using System.Text;

namespace FluxAspire.Api.Pipeline.Downloads;

/// <summary>File names for downloaded models: sanitised so they can never leave their model folder.</summary>
public static class ModelFileNames
{
    /// <summary>A plain file name (no folders, no "..", no control or reserved characters), or null.</summary>
    public static string? Sanitise(string? name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 255) return null;
        if (name.Contains('/') || name.Contains('\\') || name is "." or ".." || name.StartsWith('.')) return null;
        if (name.Any(c => char.IsControl(c) || c is ':' or '*' or '?' or '"' or '<' or '>' or '|')) return null;
        return name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 ? null : name;
    }

    /// <summary>The last path segment of the URL, unescaped and sanitised, or null.</summary>
    public static string? FromUrl(Uri url) => Sanitise(Uri.UnescapeDataString(url.Segments.LastOrDefault() ?? ""));

    /// <summary>The recipe's cache name for a model URL: 32 chars of base64url(sha256(url)) plus the URL's extension.</summary>
    public static string CacheName(Uri url)
    {
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(url.OriginalString)))
            .Replace('+', '-').Replace('/', '_').TrimEnd('=')[..32];
        var extension = Path.GetExtension(FromUrl(url) ?? "");
        return extension is { Length: > 1 and <= 16 } && Sanitise("x" + extension) is not null ? hash + extension.ToLowerInvariant() : hash + ".safetensors";
    }

    /// <summary>The URL as the caller gave it, less any user:password@, for response bodies.</summary>
    public static string WithoutUserInfo(Uri url) =>
        string.IsNullOrEmpty(url.UserInfo) ? url.OriginalString : new UriBuilder(url) { UserName = "", Password = "" }.Uri.AbsoluteUri;

    /// <summary>A URL without user info and query, for logs and errors.</summary>
    public static string Redacted(Uri url) => url.IsAbsoluteUri ? $"{url.Scheme}://{url.Authority}{url.AbsolutePath}" : "(relative url)";
}
