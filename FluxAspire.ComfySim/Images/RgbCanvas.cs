using System.Buffers;

namespace FluxAspire.ComfySim.Images;

/// <summary>An 8-bit RGB pixel buffer laid out as PNG scanlines: each row is one filter-type byte, then the pixels.</summary>
/// <remarks>
/// Drawing is span-based (whole runs of one colour per row) because flat runs are both quick to draw and quick to
/// deflate; that is what keeps a 1024² PNG within a few milliseconds. The buffer is pooled: dispose the canvas.
/// </remarks>
internal sealed class RgbCanvas : IDisposable
{
    private byte[]? _buffer;

    public RgbCanvas(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        Stride = 1 + width * 3;
        _buffer = ArrayPool<byte>.Shared.Rent(checked(Stride * height));
    }

    public int Width { get; }
    public int Height { get; }
    public int Stride { get; }

    /// <summary>The scanlines, <see cref="Stride"/> bytes each.</summary>
    public Span<byte> Scanlines => Buffer.AsSpan(0, Stride * Height);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(RgbCanvas));

    /// <summary>The pixels of row <paramref name="y"/> (without the filter byte).</summary>
    public Span<byte> Row(int y) => Buffer.AsSpan(y * Stride + 1, Width * 3);

    public void FillSpan(int y, int x0, int x1, Rgb color)
    {
        if ((uint)y >= (uint)Height) return;
        x0 = Math.Max(x0, 0);
        x1 = Math.Min(x1, Width);
        if (x1 <= x0) return;
        var span = Buffer.AsSpan(y * Stride + 1 + x0 * 3, (x1 - x0) * 3);
        span[0] = color.R;
        span[1] = color.G;
        span[2] = color.B;
        // Doubling copies: log2(n) memmoves instead of n pixel writes.
        for (var filled = 3; filled < span.Length; filled *= 2)
        {
            span[..Math.Min(filled, span.Length - filled)].CopyTo(span[filled..]);
        }
    }

    public void FillRect(int x0, int y0, int x1, int y1, Rgb color)
    {
        x0 = Math.Max(x0, 0);
        x1 = Math.Min(x1, Width);
        y0 = Math.Max(y0, 0);
        y1 = Math.Min(y1, Height);
        if (x1 <= x0 || y1 <= y0) return;
        FillSpan(y0, x0, x1, color);
        var first = Buffer.AsSpan(y0 * Stride + 1 + x0 * 3, (x1 - x0) * 3);
        for (var y = y0 + 1; y < y1; y++)
        {
            first.CopyTo(Buffer.AsSpan(y * Stride + 1 + x0 * 3));
        }
    }

    public void FillCircle(int cx, int cy, int radius, Rgb color)
    {
        var r2 = (long)radius * radius;
        for (var y = Math.Max(cy - radius, 0); y <= Math.Min(cy + radius, Height - 1); y++)
        {
            long dy = y - cy;
            var half = (int)Math.Sqrt(r2 - dy * dy);
            FillSpan(y, cx - half, cx + half + 1, color);
        }
    }

    /// <summary>Draws ASCII text with the built-in 5×7 font, each font pixel a <paramref name="scale"/>² square.</summary>
    public void DrawText(string text, int x, int y, int scale, Rgb color)
    {
        foreach (var c in text)
        {
            if (x >= Width) break;
            for (var column = 0; column < BitmapFont.GlyphWidth; column++)
            {
                for (var row = 0; row < BitmapFont.GlyphHeight; row++)
                {
                    if (BitmapFont.IsSet(c, column, row))
                    {
                        FillRect(x + column * scale, y + row * scale, x + (column + 1) * scale, y + (row + 1) * scale, color);
                    }
                }
            }

            x += BitmapFont.Advance * scale;
        }
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb Lerp(Rgb a, Rgb b, int t, int max) => new(
        (byte)(a.R + (b.R - a.R) * t / max),
        (byte)(a.G + (b.G - a.G) * t / max),
        (byte)(a.B + (b.B - a.B) * t / max));

    /// <summary>A colour from hue (0–359), saturation and value (0–255).</summary>
    public static Rgb FromHsv(int hue, int saturation, int value)
    {
        hue = (hue % 360 + 360) % 360;
        var region = hue / 60;
        var remainder = (hue - region * 60) * 255 / 60;
        var p = (byte)(value * (255 - saturation) / 255);
        var q = (byte)(value * (255 - saturation * remainder / 255) / 255);
        var t = (byte)(value * (255 - saturation * (255 - remainder) / 255) / 255);
        var v = (byte)value;
        return region switch
        {
            0 => new(v, t, p),
            1 => new(q, v, p),
            2 => new(p, v, t),
            3 => new(p, q, v),
            4 => new(t, p, v),
            _ => new(v, p, q),
        };
    }
}
