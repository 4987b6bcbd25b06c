using System.Buffers.Binary;
using FluxAspire.ComfySim.Images;
using SkiaSharp;

namespace FluxAspire.Tests.ComfySim.Images;

public class ImageRendererTests
{
    private static readonly KeyValuePair<string, string>[] ComfyChunks =
    [
        new("prompt", """{"6": {"inputs": {"text": "a red fox in the snow \u00e9"}, "class_type": "CLIPTextEncode"}}"""),
        new("workflow", """{"note": "ui graph goes here"}"""),
    ];

    private readonly ImageRenderer _renderer = new();

    [Fact]
    public void Chunks_are_IHDR_then_tEXt_in_the_given_order_then_IDAT_then_IEND()
    {
        var chunks = PngChunks.Read(_renderer.RenderPng(Fox(), 0, ComfyChunks, 4));

        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal(("prompt", ComfyChunks[0].Value), PngChunks.ParseText(chunks[1].Data));
        Assert.Equal(("workflow", ComfyChunks[1].Value), PngChunks.ParseText(chunks[2].Data));
        Assert.Equal(["tEXt", "tEXt"], chunks.Skip(1).Take(2).Select(c => c.Type));
        Assert.All(chunks.Skip(3).SkipLast(1), c => Assert.Equal("IDAT", c.Type));
        Assert.True(chunks.Count >= 5);
        Assert.Equal(("IEND", 0), (chunks[^1].Type, chunks[^1].Data.Length));
    }

    [Fact]
    public void Chunk_order_starts_like_the_captured_ComfyUI_png()
    {
        var captured = Captures.Get("png_chunks")["chunk_order"]!.AsArray().Select(n => (string)n!).ToList();
        var ours = PngChunks.Read(_renderer.RenderPng(Fox(), 0, ComfyChunks, 4)).Select(c => c.Type).ToList();
        Assert.Equal(captured.Take(4), ours.Take(4));
        Assert.Equal(captured.Distinct(), ours.SkipLast(1).Distinct()); // the capture stops before IEND
    }

    [Theory]
    [InlineData(1024, 1024)]
    [InlineData(768, 512)]
    [InlineData(64, 40)]
    public void Is_8_bit_RGB_without_alpha_and_decodes_to_the_requested_size(int width, int height)
    {
        var png = _renderer.RenderPng(Fox() with { Width = width, Height = height }, 0, ComfyChunks, 4);
        var header = PngChunks.Read(png)[0].Data;
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.Equal(height, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        Assert.Equal(8, header[8]);
        Assert.Equal(2, header[9]);

        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Without_metadata_there_are_no_text_chunks()
    {
        var chunks = PngChunks.Read(_renderer.RenderPng(Fox(), 0, [], 4));
        Assert.DoesNotContain(chunks, c => c.Type == "tEXt");
    }

    [Fact]
    public void Same_inputs_give_identical_bytes_even_from_another_renderer()
    {
        var first = _renderer.RenderPng(Fox(), 1, ComfyChunks, 4);
        var second = new ImageRenderer().RenderPng(Fox(), 1, ComfyChunks, 4);
        Assert.Equal(first, second);
    }

    [Fact]
    public void A_different_prompt_gives_different_pixels_in_the_picture_area()
    {
        var fox = Decode(_renderer.RenderPng(Fox(), 0, [], 4));
        var whale = Decode(_renderer.RenderPng(Fox() with { Prompt = "a blue whale" }, 0, [], 4));
        // The middle of the picture, away from the labels.
        Assert.True(DifferingPixels(fox, whale, 128, 256, 768, 640) > 10_000);
    }

    [Fact]
    public void Seed_and_batch_index_change_the_picture()
    {
        var baseline = Decode(_renderer.RenderPng(Fox(), 0, [], 4));
        Assert.True(DifferingPixels(baseline, Decode(_renderer.RenderPng(Fox() with { Seed = 43 }, 0, [], 4)), 128, 256, 768, 640) > 1_000);
        Assert.True(DifferingPixels(baseline, Decode(_renderer.RenderPng(Fox(), 1, [], 4)), 128, 256, 768, 640) > 1_000);
    }

    [Fact]
    public void Preview_is_a_JPEG_fitted_in_the_preview_square()
    {
        var jpeg = _renderer.RenderPreviewJpeg(Fox() with { Width = 1024, Height = 768 }, 3, 20, 512);
        Assert.Equal([0xFF, 0xD8, 0xFF], jpeg[..3]);
        using var bitmap = SKBitmap.Decode(jpeg);
        Assert.Equal((512, 384), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Preview_emerges_from_noise_towards_the_picture()
    {
        var image = Fox() with { Width = 512, Height = 512 };
        using var final = Decode(_renderer.RenderPng(image, 0, [], 4));
        using var early = SKBitmap.Decode(_renderer.RenderPreviewJpeg(image, 1, 20, 512));
        using var late = SKBitmap.Decode(_renderer.RenderPreviewJpeg(image, 20, 20, 512));
        Assert.True(Distance(early, final) > 2 * Distance(late, final));
    }

    private static SimImage Fox() => new(1024, 1024, 1, "a red fox in the snow", 42, 20);

    private static SKBitmap Decode(byte[] png) => SKBitmap.Decode(png) ?? throw new InvalidOperationException("not decodable");

    private static int DifferingPixels(SKBitmap a, SKBitmap b, int x0, int y0, int x1, int y1)
    {
        var count = 0;
        for (var y = y0; y < y1; y += 2)
        {
            for (var x = x0; x < x1; x += 2)
            {
                if (a.GetPixel(x, y) != b.GetPixel(x, y)) count += 4;
            }
        }

        return count;
    }

    private static long Distance(SKBitmap a, SKBitmap b)
    {
        long sum = 0;
        for (var y = 0; y < a.Height; y += 4)
        {
            for (var x = 0; x < a.Width; x += 4)
            {
                SKColor p = a.GetPixel(x, y), q = b.GetPixel(x, y);
                sum += Math.Abs(p.Red - q.Red) + Math.Abs(p.Green - q.Green) + Math.Abs(p.Blue - q.Blue);
            }
        }

        return sum;
    }
}
