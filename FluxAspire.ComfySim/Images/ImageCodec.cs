using SkiaSharp;

namespace FluxAspire.ComfySim.Images;

/// <summary>
/// The Pillow operations ComfyUI's file routes use (open, convert, split channels, putalpha, save as PNG/JPEG/WebP),
/// done with SkiaSharp on straight (unpremultiplied) RGBA pixels.
/// </summary>
internal static class ImageCodec
{
    /// <summary>Decodes any supported image to straight RGBA8888 without a colour space; null when it is not an image.</summary>
    public static SKBitmap? DecodeRgba(ReadOnlySpan<byte> bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return null;
        }

        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888,
            codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bitmap.Dispose();
            return null;
        }

        return bitmap;
    }

    /// <summary>Whether the decoded image carries an alpha channel (Pillow mode RGBA/LA/PA rather than RGB/L).</summary>
    public static bool HasAlpha(SKBitmap bitmap) => bitmap.AlphaType != SKAlphaType.Opaque;

    /// <summary>Pillow's <c>convert("RGB")</c>: the colour channels with alpha dropped (not blended).</summary>
    public static SKBitmap WithoutAlpha(SKBitmap source)
    {
        var copy = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var from = source.GetPixelSpan();
        var to = copy.GetPixelSpan();
        from.CopyTo(to);
        for (var i = 3; i < to.Length; i += 4)
        {
            to[i] = 255;
        }

        return copy;
    }

    /// <summary>ComfyUI's <c>channel=a</c> image: black RGBA whose alpha is the source's alpha (255 when it has none).</summary>
    public static SKBitmap AlphaOnly(SKBitmap source)
    {
        var alpha = new SKBitmap(new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var from = source.GetPixelSpan();
        var to = alpha.GetPixelSpan();
        var hasAlpha = HasAlpha(source);
        for (var i = 0; i < to.Length; i += 4)
        {
            to[i] = to[i + 1] = to[i + 2] = 0;
            to[i + 3] = hasAlpha ? from[i + 3] : (byte)255;
        }

        return alpha;
    }

    /// <summary>Pillow's <c>putalpha</c> with the alpha channel of <paramref name="mask"/>; false when the sizes differ.</summary>
    public static bool TryReplaceAlpha(SKBitmap target, SKBitmap mask, out SKBitmap result)
    {
        result = target;
        if (target.Width != mask.Width || target.Height != mask.Height)
        {
            return false;
        }

        result = new SKBitmap(new SKImageInfo(target.Width, target.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var to = result.GetPixelSpan();
        target.GetPixelSpan().CopyTo(to);
        var alpha = mask.GetPixelSpan();
        var maskHasAlpha = HasAlpha(mask);
        for (var i = 3; i < to.Length; i += 4)
        {
            to[i] = maskHasAlpha ? alpha[i] : (byte)255;
        }

        return true;
    }

    public static byte[] EncodePng(SKBitmap bitmap, int zlibLevel = 6) =>
        Encode(bitmap, pixmap => pixmap.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.AllFilters, zlibLevel)));

    public static byte[] EncodeJpeg(SKBitmap bitmap, int quality) =>
        Encode(bitmap, pixmap => pixmap.Encode(new SKJpegEncoderOptions(Math.Clamp(quality, 0, 100), SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)));

    public static byte[] EncodeWebp(SKBitmap bitmap, int quality) =>
        Encode(bitmap, pixmap => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, Math.Clamp(quality, 0, 100))));

    private static byte[] Encode(SKBitmap bitmap, Func<SKPixmap, SKData?> encode)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = encode(pixmap) ?? throw new InvalidOperationException("SkiaSharp could not encode the image");
        return data.ToArray();
    }
}
