using FluxAspire.ComfySim.Images;
using Microsoft.AspNetCore.StaticFiles;

namespace FluxAspire.ComfySim.Files;

/// <summary>
/// GET /view, as ComfyUI's server.py view_image: raw files streamed from output/input/temp, optional WebP/JPEG
/// previews and rgb / alpha channel extracts. Error answers are bare status codes with empty bodies, as ComfyUI's.
/// </summary>
internal static class ViewEndpoint
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    /// <summary>Types ComfyUI refuses to serve inline (it forces a download instead).</summary>
    private static readonly HashSet<string> DownloadOnlyTypes =
        ["text/html", "text/html-sandboxed", "application/xhtml+xml", "text/javascript", "application/javascript", "text/css"];

    public static IResult Handle(HttpContext context, ComfyFolders folders)
    {
        var query = context.Request.Query;
        if (QueryValue(query, "filename") is not { } annotatedName)
        {
            return Results.NotFound();
        }

        var (name, annotatedType) = AnnotatedFilePath.Parse(annotatedName);
        if (name.Length == 0 || name[0] == '/' || name.Contains("..", StringComparison.Ordinal))
        {
            return Results.BadRequest();
        }

        var folder = folders.FolderForType(annotatedType ?? QueryValue(query, "type") ?? "output");
        if (folder is null)
        {
            return Results.BadRequest();
        }

        if (QueryValue(query, "subfolder") is { } subfolder)
        {
            folder = ComfyFolders.SafeJoin(folder, subfolder, string.Empty);
            if (folder is null)
            {
                return Results.StatusCode(StatusCodes.Status403Forbidden);
            }
        }

        var fileName = name[(name.LastIndexOf('/') + 1)..];
        var file = Path.Combine(folder, fileName);
        if (!File.Exists(file))
        {
            return Results.NotFound();
        }

        context.Response.Headers.ContentDisposition = $"filename=\"{HeaderSafe(fileName)}\"";
        var channel = QueryValue(query, "channel");
        if (QueryValue(query, "preview") is { } preview)
        {
            return Preview(file, preview, channel ?? string.Empty);
        }

        return (channel ?? "rgba") switch
        {
            "rgb" => Reencoded(file, ImageCodec.WithoutAlpha),
            "a" => Reencoded(file, ImageCodec.AlphaOnly),
            _ => Results.File(file, ContentTypeOf(fileName), enableRangeProcessing: true),
        };
    }

    private static IResult Preview(string file, string preview, string channel)
    {
        var parts = preview.Split(';');
        var format = parts[0] is "webp" or "jpeg" && !channel.Contains('a', StringComparison.Ordinal) ? parts[0] : "webp";
        var quality = parts[^1].Length > 0 && parts[^1].All(char.IsAsciiDigit) && int.TryParse(parts[^1], out var q) ? q : 90;

        using var decoded = ImageCodec.DecodeRgba(File.ReadAllBytes(file));
        if (decoded is null)
        {
            return ComfyJson.InternalServerError(); // Pillow's UnidentifiedImageError, unhandled in ComfyUI
        }

        using var converted = format == "jpeg" || channel == "rgb" ? ImageCodec.WithoutAlpha(decoded) : null;
        var source = converted ?? decoded;
        var body = format == "jpeg" ? ImageCodec.EncodeJpeg(source, quality) : ImageCodec.EncodeWebp(source, quality);
        return Results.Bytes(body, $"image/{format}");
    }

    private static IResult Reencoded(string file, Func<SkiaSharp.SKBitmap, SkiaSharp.SKBitmap> convert)
    {
        using var decoded = ImageCodec.DecodeRgba(File.ReadAllBytes(file));
        if (decoded is null)
        {
            return ComfyJson.InternalServerError();
        }

        using var converted = convert(decoded);
        return Results.Bytes(ImageCodec.EncodePng(converted), "image/png");
    }

    /// <summary>Python's mimetypes.guess_type, falling back to application/octet-stream; script and page types are downloads.</summary>
    internal static string ContentTypeOf(string fileName) =>
        ContentTypes.TryGetContentType(fileName, out var type) && !DownloadOnlyTypes.Contains(type) ? type : "application/octet-stream";

    /// <summary>aiohttp's first value of a query key; null when the key is absent.</summary>
    internal static string? QueryValue(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) && values.Count > 0 ? values[0] ?? string.Empty : null;

    /// <summary>Kestrel sends only ASCII header values; other characters become '?' (aiohttp would send UTF-8).</summary>
    private static string HeaderSafe(string value) =>
        string.Create(value.Length, value, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is >= ' ' and <= '~' and not '"' ? source[i] : '?';
            }
        });
}
