using System.Text;

namespace FluxAspire.ComfySim.Images;

/// <summary>
/// Composes the simulated picture: a palette and scene style hashed from the prompt, a composition drawn from the seed
/// (plus steps and batch index), and labels that say it is simulated. Coordinates are fractions of the size, so the
/// same scene renders at any resolution (previews included).
/// </summary>
internal static class SimulatedPicture
{
    public static void Draw(RgbCanvas canvas, string prompt, ulong seed, int steps, int index)
    {
        var promptHash = Fnv1a(prompt);
        var palette = Palette(promptHash);
        var random = new SplitMix64(promptHash ^ Mix(seed) ^ Mix((ulong)steps << 32 | (uint)index));
        int w = canvas.Width, h = canvas.Height, size = Math.Min(w, h);

        // Sky: a vertical gradient, one flat colour per row.
        for (var y = 0; y < h; y++)
        {
            canvas.FillSpan(y, 0, w, Rgb.Lerp(palette[0], palette[1], y, Math.Max(h - 1, 1)));
        }

        // Sun or moon.
        canvas.FillCircle(random.Next(w / 8, w - w / 8 + 1), random.Next(h / 6, h / 2), size / random.Next(7, 12), palette[2]);

        // Floating shapes, their number and kind chosen by the prompt, their places by the seed.
        var shapes = 4 + (int)(promptHash >> 8 & 7);
        var squares = (promptHash & 1) == 0;
        for (var i = 0; i < shapes; i++)
        {
            var color = palette[2 + random.Next(0, 3)];
            int cx = random.Next(0, w), cy = random.Next(h / 8, h * 3 / 4), r = Math.Max(size / random.Next(20, 60), 1);
            if (squares && i % 2 == 0)
            {
                canvas.FillRect(cx - r, cy - r, cx + r, cy + r, color);
            }
            else
            {
                canvas.FillCircle(cx, cy, r, color);
            }
        }

        // Three hills: huge circles whose centres lie below the picture.
        for (var layer = 0; layer < 3; layer++)
        {
            var radius = w * random.Next(60, 110) / 100;
            var top = h * (55 + layer * 10 + random.Next(-5, 6)) / 100;
            canvas.FillCircle(random.Next(-w / 4, w + w / 4), top + radius, radius, palette[3 + layer]);
        }

        DrawLabels(canvas, prompt, seed, steps, index);
    }

    private static void DrawLabels(RgbCanvas canvas, string prompt, ulong seed, int steps, int index)
    {
        int w = canvas.Width, h = canvas.Height;
        var scale = Math.Max(1, Math.Min(w, h) / 256);
        var line = BitmapFont.GlyphHeight * scale + 3 * scale;
        var margin = 3 * scale;
        Rgb ink = new(255, 255, 255), panel = new(16, 16, 20), accent = new(255, 210, 64);

        // Header: "SIMULATED" large, then the product name.
        var headerHeight = 2 * scale * BitmapFont.GlyphHeight + line + 3 * margin;
        canvas.FillRect(0, 0, w, headerHeight, panel);
        canvas.DrawText("SIMULATED", margin, margin, 2 * scale, accent);
        canvas.DrawText("FluxAspire ComfySim - not a real render", margin, 2 * margin + 2 * scale * BitmapFont.GlyphHeight, scale, ink);

        // Footer: up to three lines of the prompt, then the parameters.
        var columns = Math.Max((w - 2 * margin) / (BitmapFont.Advance * scale), 1);
        var lines = Wrap(Ascii(prompt.Length == 0 ? "(no prompt)" : prompt), columns, maxLines: 3);
        lines.Add($"seed {seed}  {w}x{h}  steps {steps}  #{index}");
        var footerTop = h - lines.Count * line - 2 * margin;
        canvas.FillRect(0, footerTop, w, h, panel);
        for (var i = 0; i < lines.Count; i++)
        {
            canvas.DrawText(lines[i], margin, footerTop + margin + i * line, scale, i == lines.Count - 1 ? accent : ink);
        }
    }

    private static List<string> Wrap(string text, int columns, int maxLines)
    {
        var lines = new List<string>();
        var rest = text.Trim();
        while (rest.Length > 0 && lines.Count < maxLines)
        {
            if (rest.Length <= columns)
            {
                lines.Add(rest);
                return lines;
            }

            var cut = rest.LastIndexOf(' ', columns);
            if (cut <= 0) cut = columns;
            lines.Add(rest[..cut]);
            rest = rest[cut..].TrimStart();
        }

        if (rest.Length > 0)
        {
            var last = lines[^1];
            lines[^1] = (last.Length + 3 > columns ? last[..Math.Max(columns - 3, 0)] : last) + "...";
        }

        return lines;
    }

    private static string Ascii(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c is >= ' ' and <= '~' ? c : char.IsWhiteSpace(c) ? ' ' : '?');
        }

        return builder.ToString();
    }

    /// <summary>Six colours: two sky tones, a highlight and three ground tones around a hue taken from the prompt.</summary>
    private static Rgb[] Palette(ulong promptHash)
    {
        var hue = (int)(promptHash % 360);
        var shift = 20 + (int)(promptHash >> 16 & 63);
        var saturation = 120 + (int)(promptHash >> 24 & 127);
        return
        [
            Rgb.FromHsv(hue + 180, saturation, 70),
            Rgb.FromHsv(hue + 200, saturation / 2, 235),
            Rgb.FromHsv(hue + 40, 200, 255),
            Rgb.FromHsv(hue - shift, saturation, 200),
            Rgb.FromHsv(hue, saturation, 150),
            Rgb.FromHsv(hue + shift, saturation, 100),
        ];
    }

    internal static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return Mix(hash);
    }

    internal static ulong Mix(ulong z)
    {
        z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ z >> 27) * 0x94D049BB133111EBUL;
        return z ^ z >> 31;
    }

    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        /// <summary>A value in [min, max).</summary>
        public int Next(int min, int max)
        {
            _state += 0x9E3779B97F4A7C15UL;
            return max <= min ? min : min + (int)(Mix(_state) % (ulong)(max - min));
        }
    }
}
