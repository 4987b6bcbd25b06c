using SkiaSharp;

namespace FluxAspire.ComfySim.Images;

/// <summary>What SaveImage and PreviewImage write (<c>--image-kind</c>).</summary>
public enum ImageKind
{
    /// <summary>A small labelled picture (about 43 KB at 1024²) that shows the prompt, seed, size and steps.</summary>
    Picture,

    /// <summary>Noise as large and incompressible as a real FLUX.1-dev PNG (about 1.7 MB at 1024²), for benchmarks.</summary>
    Noise,
}

/// <summary>Renders simulated pictures: deterministic in (prompt, seed, size, steps), labelled as simulated, or noise.</summary>
/// <remarks>
/// Thread-safe. Recently encoded PNGs are kept in a small cache (by count and bytes), since a re-run that only renames
/// the output re-saves the same image.
/// </remarks>
public sealed class ImageRenderer(ImageKind kind = ImageKind.Picture)
{
    private readonly PngCache _pngs = new(maxEntries: 32, maxBytes: 64L * 1024 * 1024);
    private readonly Lock _previewLock = new();
    private (PreviewKey Key, byte[] Rgba)? _lastPreview;

    /// <summary>
    /// Image <paramref name="index"/> of the batch as an 8-bit RGB PNG (colour type 2), with <c>tEXt</c> chunks in the
    /// given order right after IHDR. <paramref name="compressLevel"/> follows ComfyUI (4 for SaveImage, 1 for PreviewImage).
    /// </summary>
    public byte[] RenderPng(SimImage image, int index, IReadOnlyList<KeyValuePair<string, string>> textChunks, int compressLevel)
    {
        ArgumentNullException.ThrowIfNull(image);
        var key = PngCache.Key(image, index, textChunks, compressLevel);
        if (_pngs.TryGet(key, out var cached))
        {
            return cached;
        }

        var png = kind == ImageKind.Noise
            ? NoisePng.Encode(image.Width, image.Height, NoiseSeed(image, index), textChunks)
            : DrawPicture(image, index, textChunks, compressLevel);
        _pngs.Add(key, png);
        return png;
    }

    private static byte[] DrawPicture(SimImage image, int index, IReadOnlyList<KeyValuePair<string, string>> textChunks, int compressLevel)
    {
        using var canvas = new RgbCanvas(image.Width, image.Height);
        SimulatedPicture.Draw(canvas, image.Prompt, image.Seed, image.Steps, index);
        return PngWriter.Encode(canvas, textChunks, compressLevel);
    }

    private static ulong NoiseSeed(SimImage image, int index) =>
        SimulatedPicture.Fnv1a(image.Prompt) ^ SimulatedPicture.Mix(image.Seed) ^ SimulatedPicture.Mix((ulong)image.Steps << 32 | (uint)index);

    /// <summary>A latent2rgb-style preview for one sampler step: a JPEG (quality 95) fitted in a previewSize square.</summary>
    /// <remarks>The picture "emerges": step 0 is mostly noise, the last step is the picture itself.</remarks>
    public byte[] RenderPreviewJpeg(SimImage image, int step, int totalSteps, int previewSize)
    {
        ArgumentNullException.ThrowIfNull(image);
        var scale = (double)previewSize / Math.Max(image.Width, image.Height);
        var width = Math.Max(1, (int)Math.Round(image.Width * scale));
        var height = Math.Max(1, (int)Math.Round(image.Height * scale));
        var picture = PreviewPicture(new PreviewKey(image.Prompt, image.Seed, image.Steps, width, height));

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var rgba = bitmap.GetPixelSpan();
        var weight = totalSteps <= 0 ? 256 : Math.Clamp(step * 256 / totalSteps, 0, 256);
        // Grain in 8×8 blocks aligned with JPEG's: it looks like an upscaled latent and costs the encoder
        // almost nothing, where per-pixel noise would triple the JPEG time.
        var noise = new NoiseSource(image.Seed ^ (ulong)(step + 1) * 0x9E3779B97F4A7C15UL);
        var blocksAcross = (width + 7) / 8;
        var grainRow = new int[blocksAcross * 3];
        for (var y = 0; y < height; y++)
        {
            if (y % 8 == 0)
            {
                for (var b = 0; b < grainRow.Length; b++)
                {
                    grainRow[b] = noise.NextByte() * (256 - weight);
                }
            }

            var source = picture.AsSpan(y * width * 4, width * 4);
            var target = rgba.Slice(y * width * 4, width * 4);
            for (var x = 0; x < width; x++)
            {
                var i = x * 4;
                var g = x / 8 * 3;
                target[i] = (byte)((source[i] * weight + grainRow[g]) >> 8);
                target[i + 1] = (byte)((source[i + 1] * weight + grainRow[g + 1]) >> 8);
                target[i + 2] = (byte)((source[i + 2] * weight + grainRow[g + 2]) >> 8);
                target[i + 3] = 255;
            }
        }

        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKJpegEncoderOptions(95, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore))
            ?? throw new InvalidOperationException("SkiaSharp could not encode the preview JPEG");
        return data.ToArray();
    }

    /// <summary>The clean picture at preview size as RGBA; the last one is kept because a sampler asks once per step.</summary>
    private byte[] PreviewPicture(PreviewKey key)
    {
        lock (_previewLock)
        {
            if (_lastPreview is { } last && last.Key == key)
            {
                return last.Rgba;
            }
        }

        using var canvas = new RgbCanvas(key.Width, key.Height);
        SimulatedPicture.Draw(canvas, key.Prompt, key.Seed, key.Steps, 0);
        var rgba = new byte[key.Width * key.Height * 4];
        for (var y = 0; y < key.Height; y++)
        {
            var row = canvas.Row(y);
            var target = rgba.AsSpan(y * key.Width * 4);
            for (int x = 0, s = 0, t = 0; x < key.Width; x++, s += 3, t += 4)
            {
                target[t] = row[s];
                target[t + 1] = row[s + 1];
                target[t + 2] = row[s + 2];
                target[t + 3] = 255;
            }
        }

        lock (_previewLock)
        {
            _lastPreview = (key, rgba);
        }

        return rgba;
    }

    private sealed record PreviewKey(string Prompt, ulong Seed, int Steps, int Width, int Height);

    /// <summary>Cheap deterministic grain (xorshift).</summary>
    private struct NoiseSource(ulong seed)
    {
        private ulong _state = seed | 1;

        public byte NextByte()
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            return (byte)(_state >> 24);
        }
    }
}
