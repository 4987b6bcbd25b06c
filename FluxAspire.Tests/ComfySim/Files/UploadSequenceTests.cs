using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim;
using FluxAspire.ComfySim.Files;
using FluxAspire.ComfySim.Images;
using FluxAspire.Tests.ComfySim.Images;
using SkiaSharp;

namespace FluxAspire.Tests.ComfySim.Files;

/// <summary>The probe's upload sequence, in the captured order, against one fresh simulator.</summary>
public sealed class UploadSequenceTests : IAsyncLifetime
{
    private static readonly KeyValuePair<string, string>[] OriginalText = [new("prompt", "{\"1\": {}}"), new("workflow", "{}")];
    private readonly byte[] _probe = new ImageRenderer().RenderPng(new SimImage(64, 64, 1, "probe", 1, 1), 0, OriginalText, 4);
    private readonly byte[] _other = new ImageRenderer().RenderPng(new SimImage(64, 64, 1, "other", 2, 1), 0, [], 4);
    private SimulatorProcess _sim = null!;

    public async Task InitializeAsync() => _sim = await SimulatorProcess.StartAsync();

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Reproduces_the_captured_sequence()
    {
        using var http = _sim.CreateClient();

        await AssertLikeCapture("http:upload_new", await Post(http, "/upload/image", Image(_probe, "probe.png")));
        await AssertLikeCapture("http:upload_same_content", await Post(http, "/upload/image", Image(_probe, "probe.png")));
        await AssertLikeCapture("http:upload_diff_content_same_name", await Post(http, "/upload/image", Image(_other, "probe.png")));
        Assert.Equal(_probe, await File.ReadAllBytesAsync(Path.Combine(_sim.InputDirectory, "probe.png")));
        Assert.Equal(_other, await File.ReadAllBytesAsync(Path.Combine(_sim.InputDirectory, "probe (1).png")));

        await AssertLikeCapture("http:upload_overwrite", await Post(http, "/upload/image", Image(_other, "probe.png"), ("overwrite", "true")));
        Assert.Equal(_other, await File.ReadAllBytesAsync(Path.Combine(_sim.InputDirectory, "probe.png")));
        // Put the original back for the mask step (same name, overwrite "1").
        await Post(http, "/upload/image", Image(_probe, "probe.png"), ("overwrite", "1"));

        await AssertLikeCapture("http:upload_subfolder_temp", await Post(http, "/upload/image", Image(_probe, "probe.png"), ("subfolder", "sub"), ("type", "temp")));
        Assert.Equal(_probe, await File.ReadAllBytesAsync(Path.Combine(_sim.TempDirectory, "sub", "probe.png")));

        var mask = MaskPng(64, 64);
        await AssertLikeCapture("http:upload_mask", await Post(http, "/upload/mask", Image(mask, "mask.png"),
            ("original_ref", """{"filename": "probe.png", "subfolder": "", "type": "input"}""")));
        AssertMaskComposited(await File.ReadAllBytesAsync(Path.Combine(_sim.InputDirectory, "mask.png")), mask);

        await AssertLikeCapture("http:upload_bad_image", await Post(http, "/upload/image", Image("not an image\n"u8.ToArray(), "bad.png")));
        await AssertLikeCapture("http:upload_no_image_field", await Post(http, "/upload/image", null, ("type", "input")));

        // What LoadImage's combo list (http:object_info_LoadImage_after_upload) is built from.
        var expectedCombo = Captures.Body("http:object_info_LoadImage_after_upload")!["LoadImage"]!["input"]!["required"]!["image"]![0]!
            .AsArray().Select(n => (string)n!);
        Assert.Equal(expectedCombo, new ComfyFolders(new SimOptions { BaseDirectory = _sim.BaseDirectory }).ListInputImages());
    }

    [Fact]
    public async Task Escaping_subfolders_and_names_are_refused_and_unknown_types_fail_as_in_ComfyUI()
    {
        using var http = _sim.CreateClient();
        using var escape = await Post(http, "/upload/image", Image(_probe, "probe.png"), ("subfolder", "../../x"));
        Assert.Equal(HttpStatusCode.BadRequest, escape.StatusCode);
        using var escapeName = await Post(http, "/api/upload/image", Image(_probe, "../probe.png"));
        Assert.Equal(HttpStatusCode.BadRequest, escapeName.StatusCode);
        using var badType = await Post(http, "/upload/image", Image(_probe, "probe.png"), ("type", "bogus"));
        Assert.Equal(HttpStatusCode.InternalServerError, badType.StatusCode);
        using var notMultipart = await http.PostAsync("/upload/image", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, notMultipart.StatusCode);
    }

    [Fact]
    public async Task Uploaded_files_are_served_by_view_under_the_api_prefix_too()
    {
        using var http = _sim.CreateClient();
        using var upload = await Post(http, "/api/upload/image", Image(_probe, "viewed.png"), ("subfolder", "a/b"), ("type", "temp"));
        Assert.Equal("""{"name":"viewed.png","subfolder":"a/b","type":"temp"}""", (await upload.Content.ReadAsStringAsync()).Replace(" ", ""));
        Assert.Equal(_probe, await http.GetByteArrayAsync("/view?filename=viewed.png&subfolder=a/b&type=temp"));
        Assert.Equal(_probe, await http.GetByteArrayAsync("/api/view?filename=viewed.png%20[temp]&subfolder=a/b"));
    }

    private static async Task AssertLikeCapture(string kind, HttpResponseMessage response)
    {
        using (response)
        {
            var capture = Captures.Get(kind);
            Assert.Equal((int)capture["status"]!, (int)response.StatusCode);
            Assert.Equal((string?)capture["content_type"], response.Content.Headers.ContentType?.ToString());
            var text = await response.Content.ReadAsStringAsync();
            if (capture["body"] is { } expected)
            {
                Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(text)), $"{kind}: expected {expected.ToJsonString()}, got {text}");
            }
            else
            {
                Assert.Equal(string.Empty, text);
            }
        }
    }

    private static async Task<HttpResponseMessage> Post(HttpClient http, string path, ByteArrayContent? image, params (string Name, string Value)[] fields)
    {
        using var form = new MultipartFormDataContent();
        if (image is not null)
        {
            form.Add(image);
        }

        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return await http.PostAsync(path, form);
    }

    private static ByteArrayContent Image(byte[] bytes, string fileName)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        content.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"image\"", FileName = fileName };
        return content;
    }

    /// <summary>An RGBA PNG whose alpha is 0 in the left half and 200 in the right half.</summary>
    private static byte[] MaskPng(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor(10, 20, 30, x < width / 2 ? (byte)0 : (byte)200));
            }
        }

        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private void AssertMaskComposited(byte[] saved, byte[] mask)
    {
        Assert.Equal(OriginalText, PngChunks.Read(saved).Where(c => c.Type == "tEXt").Select(c => PngChunks.ParseText(c.Data))
            .Select(t => new KeyValuePair<string, string>(t.Keyword, t.Text)));
        using var result = SKBitmap.Decode(saved, new SKImageInfo(64, 64, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using var original = SKBitmap.Decode(_probe, new SKImageInfo(64, 64, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Assert.Equal(0, result.GetPixel(5, 40).Alpha);
        Assert.Equal(200, result.GetPixel(60, 40).Alpha);
        var expected = original.GetPixel(60, 40);
        Assert.Equal((expected.Red, expected.Green, expected.Blue), (result.GetPixel(60, 40).Red, result.GetPixel(60, 40).Green, result.GetPixel(60, 40).Blue));
        Assert.NotEqual(mask, saved);
    }
}
