using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Outputs;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;

namespace FluxAspire.Tests.Api.Outputs;

public class OutputConverterTests
{
    private readonly OutputConverter _converter = new(NullLogger<OutputConverter>.Instance);

    private static byte[] Png(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 7), (byte)(y * 5), (byte)(x ^ y)));
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static (SKEncodedImageFormat Format, int Width, int Height) Inspect(byte[] content)
    {
        using var codec = SKCodec.Create(new MemoryStream(content)) ?? throw new Xunit.Sdk.XunitException("not decodable");
        return (codec.EncodedFormat, codec.Info.Width, codec.Info.Height);
    }

    private static ConvertOutputOptions Options(string format, string? options = null)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse($$"""{"format": "{{format}}", "options": {{options ?? "{}"}}}""")!.AsObject();
        return ConvertOutputOptions.Parse(json, new Dictionary<string, string[]>()) ?? throw new Xunit.Sdk.XunitException("invalid options");
    }

    [Theory]
    [InlineData("jpeg", SKEncodedImageFormat.Jpeg, "a_00001_.jpeg")]
    [InlineData("jpg", SKEncodedImageFormat.Jpeg, "a_00001_.jpg")]
    [InlineData("webp", SKEncodedImageFormat.Webp, "a_00001_.webp")]
    public void Images_are_reencoded_and_renamed(string format, SKEncodedImageFormat expected, string filename)
    {
        var converted = _converter.Convert("job", new JobOutputFile("9", "a_00001_.png", Png(48, 32)), Options(format));

        Assert.Equal(filename, converted.Filename);
        Assert.Equal("9", converted.NodeId);
        Assert.Equal((expected, 48, 32), Inspect(converted.Content.ToArray()));
        Assert.Equal(converted.Content.Length, converted.Length);
    }

    [Fact]
    public void Quality_changes_the_jpeg()
    {
        var png = new JobOutputFile("9", "a.png", Png(64, 64));
        var low = _converter.Convert("job", png, Options("jpeg", """{"quality": 5}"""));
        var high = _converter.Convert("job", png, Options("jpeg", """{"quality": 100}"""));
        Assert.True(low.Content.Length < high.Content.Length, $"{low.Content.Length} vs {high.Content.Length}");
    }

    [Fact]
    public void Lossless_webp_keeps_every_pixel()
    {
        var png = Png(40, 24);
        var converted = _converter.Convert("job", new JobOutputFile("9", "a.png", png), Options("webp", """{"lossless": true}"""));

        using var original = SKBitmap.Decode(png);
        using var decoded = SKBitmap.Decode(converted.Content.ToArray());
        Assert.Equal(SKEncodedImageFormat.Webp, Inspect(converted.Content.ToArray()).Format);
        for (var y = 0; y < 24; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                Assert.Equal(original.GetPixel(x, y), decoded.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void A_file_that_is_not_an_image_comes_back_unchanged()
    {
        var text = new JobOutputFile("12", "notes_00001_.txt", "not an image"u8.ToArray());
        var converted = _converter.Convert("job", text, Options("webp"));
        Assert.Same(text, converted);
    }
}
