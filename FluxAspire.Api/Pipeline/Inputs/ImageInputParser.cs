using System.Buffers.Text;
using System.Text.RegularExpressions;

namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>
/// Classifies an image input's string. Unlike the recipe, which passes absolute and "../" paths to ComfyUI unchecked,
/// only plain names inside ComfyUI's input folder, inline images and http(s) and s3:// URLs are accepted.
/// </summary>
public static partial class ImageInputParser
{
    /// <summary>Shorter strings are names, not base64: the smallest real image is longer than this once encoded.</summary>
    private const int MinimumBase64Length = 64;

    public static ImageInputValue Classify(string value, long maxBytes)
    {
        var trimmed = value.Trim();
        if (trimmed.Length == 0)
        {
            return new ImageInputValue.Refused("must not be empty");
        }

        if (trimmed.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var match = DataUrl().Match(trimmed);
            return match.Success
                ? Decode(match.Groups["payload"].Value, maxBytes)
                : new ImageInputValue.Refused("a data URL must look like data:image/<type>;base64,<data>");
        }

        if (Scheme().Match(trimmed) is { Success: true } scheme)
        {
            return scheme.Groups["scheme"].Value.ToLowerInvariant() is "http" or "https" or "s3" && Uri.TryCreate(trimmed, UriKind.Absolute, out var uri)
                ? new ImageInputValue.Url(uri)
                : new ImageInputValue.Refused("only http, https and s3 URLs are accepted");
        }

        if (LooksLikeBase64(trimmed))
        {
            var decoded = Decode(trimmed, maxBytes);
            return decoded is ImageInputValue.Refused && IsAbsolutePath(trimmed) ? AbsolutePathRefused : decoded;
        }

        if (IsAbsolutePath(trimmed))
        {
            return AbsolutePathRefused;
        }

        if (trimmed.Split('/', '\\').Any(segment => segment == ".."))
        {
            return new ImageInputValue.Refused("'..' is not allowed in file names");
        }

        return new ImageInputValue.FileName(value);
    }

    private static readonly ImageInputValue.Refused AbsolutePathRefused =
        new("absolute file paths are not allowed; send base64 image data, an http(s) URL or a file name in ComfyUI's input folder");

    private static ImageInputValue Decode(string base64, long maxBytes)
    {
        var compact = Whitespace().Replace(base64, "");
        if (compact.Length / 4L * 3 > maxBytes + 3)
        {
            return new ImageInputValue.Refused($"the image is larger than {maxBytes} bytes");
        }

        byte[] content;
        try
        {
            content = Convert.FromBase64String(compact);
        }
        catch (FormatException)
        {
            return new ImageInputValue.Refused("is not valid base64 image data");
        }

        if (content.Length > maxBytes)
        {
            return new ImageInputValue.Refused($"the image is larger than {maxBytes} bytes");
        }

        return ImageFormat.Sniff(content) is { } format
            ? new ImageInputValue.Inline(content, format)
            : new ImageInputValue.Refused($"is not a {ImageFormat.Accepted} image");
    }

    private static bool LooksLikeBase64(string value) =>
        value.Length >= MinimumBase64Length && Base64.IsValid(value);

    internal static bool IsAbsolutePath(string value) =>
        value.StartsWith('/') || value.StartsWith('\\') || value.StartsWith('~') || DriveLetter().IsMatch(value);

    [GeneratedRegex(@"^data:image/[a-z0-9.+-]+;base64,(?<payload>.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex DataUrl();

    [GeneratedRegex(@"^(?<scheme>[a-z][a-z0-9+.-]*)://", RegexOptions.IgnoreCase)]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^[a-z]:", RegexOptions.IgnoreCase)]
    private static partial Regex DriveLetter();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
