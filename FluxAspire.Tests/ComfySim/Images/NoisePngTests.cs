using System.Buffers.Binary;
using System.IO.Compression;
using FluxAspire.ComfySim.Images;
using SkiaSharp;

namespace FluxAspire.Tests.ComfySim.Images;

/// <summary>--image-kind noise: PNGs as large and incompressible as a real FLUX.1-dev output (1.2–2.6 MB at 1024²).</summary>
public class NoisePngTests
{
    private static readonly KeyValuePair<string, string>[] Metadata = [new("prompt", """{"6": {"inputs": {"text": "a red fox"}}}""")];

    private readonly ImageRenderer _renderer = new(ImageKind.Noise);

    [Theory]
    [InlineData(1024, 1024)]
    [InlineData(768, 1344)]
    [InlineData(33, 7)]
    public void Is_a_valid_8_bit_RGB_PNG_of_the_requested_size(int width, int height)
    {
        var png = _renderer.RenderPng(Fox() with { Width = width, Height = height }, 0, Metadata, 4);

        var chunks = PngChunks.Read(png); // checks every chunk's CRC
        Assert.Equal(["IHDR", "tEXt"], chunks.Take(2).Select(c => c.Type));
        Assert.Equal(("prompt", Metadata[0].Value), PngChunks.ParseText(chunks[1].Data));
        Assert.Equal(("IEND", 0), (chunks[^1].Type, chunks[^1].Data.Length));
        var header = chunks[0].Data;
        Assert.Equal((width, height, 8, 2), (BinaryPrimitives.ReadInt32BigEndian(header), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)), (int)header[8], (int)header[9]));

        // zlib checks the Adler-32 at the end of the stream; every scanline starts with a valid filter type.
        var scanlines = Inflate(chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray());
        var stride = 1 + width * 3;
        Assert.Equal(stride * height, scanlines.Length);
        Assert.All(Enumerable.Range(0, height), y => Assert.InRange(scanlines[y * stride], 0, 4));

        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Is_as_large_as_a_real_FLUX_image_and_scales_with_the_pixel_count()
    {
        var full = _renderer.RenderPng(Fox(), 0, [], 4).Length;
        var quarter = _renderer.RenderPng(Fox() with { Width = 512, Height = 512 }, 0, [], 4).Length;

        Assert.InRange(full, 1_600_000, 1_800_000); // real FLUX.1-dev PNGs: 1.2–2.6 MB at 1024²
        Assert.InRange(quarter, full / 4 * 0.95, full / 4 * 1.05);
    }

    [Fact]
    public void Does_not_compress_further()
    {
        var png = _renderer.RenderPng(Fox(), 0, [], 4);
        var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(png);
        }

        Assert.True(output.Length > png.Length * 0.97, $"deflate made {png.Length} bytes into {output.Length}");
    }

    [Fact]
    public void Same_prompt_and_seed_give_identical_bytes_even_from_another_renderer()
    {
        Assert.Equal(_renderer.RenderPng(Fox(), 0, Metadata, 4), new ImageRenderer(ImageKind.Noise).RenderPng(Fox(), 0, Metadata, 4));
    }

    [Fact]
    public void Another_seed_prompt_or_batch_index_gives_other_noise()
    {
        var baseline = Pixels(_renderer.RenderPng(Fox(), 0, [], 4));
        Assert.True(DifferingBytes(baseline, Pixels(_renderer.RenderPng(Fox() with { Seed = 43 }, 0, [], 4))) > baseline.Length / 2);
        Assert.True(DifferingBytes(baseline, Pixels(_renderer.RenderPng(Fox() with { Prompt = "a blue whale" }, 0, [], 4))) > baseline.Length / 2);
        Assert.True(DifferingBytes(baseline, Pixels(_renderer.RenderPng(Fox(), 1, [], 4))) > baseline.Length / 2);
    }

    [Fact]
    public void The_labelled_picture_stays_the_default()
    {
        Assert.Equal(new ImageRenderer(ImageKind.Picture).RenderPng(Fox(), 0, [], 4), new ImageRenderer().RenderPng(Fox(), 0, [], 4));
        Assert.True(new ImageRenderer().RenderPng(Fox(), 0, [], 4).Length < 200_000);
    }

    private static SimImage Fox() => new(1024, 1024, 1, "a red fox in the snow", 42, 20);

    private static byte[] Inflate(byte[] zlib)
    {
        using var inflater = new ZLibStream(new MemoryStream(zlib), CompressionMode.Decompress);
        var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Pixels(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException("not decodable");
        return bitmap.Bytes;
    }

    private static int DifferingBytes(byte[] a, byte[] b) => a.Zip(b).Count(p => p.First != p.Second);
}
