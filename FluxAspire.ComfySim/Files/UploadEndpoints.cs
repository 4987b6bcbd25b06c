using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Images;

namespace FluxAspire.ComfySim.Files;

/// <summary>
/// POST /upload/image and /upload/mask, as ComfyUI's server.py image_upload: duplicate detection by SHA-256,
/// "name (1).png" renaming, overwrite, subfolders, and the mask's alpha composited onto a referenced image.
/// </summary>
internal static class UploadEndpoints
{
    public static Task<IResult> UploadImage(HttpContext context, ComfyFolders folders) => Upload(context, folders, mask: false);

    public static Task<IResult> UploadMask(HttpContext context, ComfyFolders folders) => Upload(context, folders, mask: true);

    private static async Task<IResult> Upload(HttpContext context, ComfyFolders folders, bool mask)
    {
        if (!context.Request.HasFormContentType)
        {
            return Results.BadRequest(); // aiohttp reads a non-form body as no fields: no image
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return Results.BadRequest();
        }

        var type = FormValue(form, "type");
        var uploadFolder = folders.FolderForType(type ?? "input");
        if (uploadFolder is null)
        {
            return ComfyJson.InternalServerError(); // ComfyUI's get_dir_by_type fails on an unknown type
        }

        var image = form.Files.GetFile("image");
        if (image is null || string.IsNullOrEmpty(image.FileName))
        {
            return Results.BadRequest();
        }

        var fileName = image.FileName;
        var subfolder = FormValue(form, "subfolder") ?? string.Empty;
        var targetFolder = Path.GetFullPath(Path.Combine(uploadFolder, SaveImagePath.NormPath(subfolder)));
        var targetPath = Path.GetFullPath(Path.Combine(targetFolder, fileName));
        if (!IsInside(uploadFolder, targetPath))
        {
            return Results.BadRequest();
        }

        Directory.CreateDirectory(targetFolder);
        byte[] content;
        using (var buffer = new MemoryStream())
        {
            await image.CopyToAsync(buffer, context.RequestAborted);
            content = buffer.ToArray();
        }

        var duplicate = false;
        if (FormValue(form, "overwrite") is not ("true" or "1"))
        {
            var (stem, extension) = SplitExtension(fileName);
            for (var i = 1; File.Exists(targetPath) || Directory.Exists(targetPath); i++)
            {
                if (File.Exists(targetPath) && SameContent(targetPath, content))
                {
                    duplicate = true;
                    break;
                }

                fileName = $"{stem} ({i}){extension}";
                targetPath = Path.Combine(targetFolder, fileName);
            }
        }

        if (!duplicate)
        {
            if (mask)
            {
                if (SaveMask(folders, FormValue(form, "original_ref"), content, targetPath) is { } failure)
                {
                    return failure;
                }
            }
            else
            {
                await File.WriteAllBytesAsync(targetPath, content, context.RequestAborted);
            }
        }

        return ComfyJson.Ok(new JsonObject { ["name"] = fileName, ["subfolder"] = subfolder, ["type"] = type ?? "input" });
    }

    /// <summary>
    /// Replaces the referenced image's alpha with the mask's and saves it (PNG, its text chunks kept) at
    /// <paramref name="targetPath"/>. As in ComfyUI, a reference that is refused or missing silently writes nothing;
    /// an unreadable reference JSON or image is an unhandled error (500).
    /// </summary>
    private static IResult? SaveMask(ComfyFolders folders, string? originalRef, byte[] maskBytes, string targetPath)
    {
        JsonObject reference;
        try
        {
            reference = JsonNode.Parse(originalRef ?? "null") as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException)
        {
            return ComfyJson.InternalServerError();
        }

        var (name, annotatedType) = AnnotatedFilePath.Parse(StringOf(reference["filename"]) ?? string.Empty);
        if (name.Length == 0 || name[0] == '/' || name.Contains("..", StringComparison.Ordinal))
        {
            return null;
        }

        var folder = annotatedType is not null
            ? folders.FolderForType(annotatedType)
            : folders.FolderForType(reference.TryGetPropertyValue("type", out var t) ? StringOf(t) ?? string.Empty : "output");
        if (folder is null)
        {
            return null;
        }

        if (StringOf(reference["subfolder"]) is { Length: > 0 } subfolder)
        {
            folder = ComfyFolders.SafeJoin(folder, subfolder, string.Empty);
            if (folder is null)
            {
                return null;
            }
        }

        var originalPath = Path.Combine(folder, name);
        if (!File.Exists(originalPath))
        {
            return null;
        }

        var originalBytes = File.ReadAllBytes(originalPath);
        using var original = ImageCodec.DecodeRgba(originalBytes);
        using var maskImage = ImageCodec.DecodeRgba(maskBytes);
        if (original is null || maskImage is null || !ImageCodec.TryReplaceAlpha(original, maskImage, out var composited))
        {
            return ComfyJson.InternalServerError(); // Pillow raises on an unreadable image or a size mismatch
        }

        using (composited)
        {
            var png = PngText.InsertAfterHeader(ImageCodec.EncodePng(composited, zlibLevel: 4), PngText.Read(originalBytes));
            File.WriteAllBytes(targetPath, png);
        }

        return null;
    }

    private static string? StringOf(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    private static bool SameContent(string path, byte[] content)
    {
        using var stream = File.OpenRead(path);
        return SHA256.HashData(stream).AsSpan().SequenceEqual(SHA256.HashData(content));
    }

    /// <summary>Python's os.path.splitext: the extension starts at the last dot of the last component, leading dots excluded.</summary>
    internal static (string Stem, string Extension) SplitExtension(string path)
    {
        var separator = path.LastIndexOf('/');
        var dot = path.LastIndexOf('.');
        if (dot > separator)
        {
            for (var i = separator + 1; i < dot; i++)
            {
                if (path[i] != '.')
                {
                    return (path[..dot], path[dot..]);
                }
            }
        }

        return (path, string.Empty);
    }

    private static string? FormValue(IFormCollection form, string key) =>
        form.TryGetValue(key, out var values) && values.Count > 0 ? values[0] ?? string.Empty : null;

    private static bool IsInside(string root, string path)
    {
        var rootFull = Path.GetFullPath(root).TrimEnd('/');
        return path == rootFull || path.StartsWith(rootFull + "/", StringComparison.Ordinal);
    }
}
