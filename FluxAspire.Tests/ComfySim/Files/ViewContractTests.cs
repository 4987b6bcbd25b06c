using SkiaSharp;

namespace FluxAspire.Tests.ComfySim.Files;

/// <summary>GET /view against every captured http:view_* case: same status, content type and Content-Disposition.</summary>
public sealed class ViewContractTests(FileRoutesSimulator fixture) : IClassFixture<FileRoutesSimulator>
{
    public static TheoryData<string> ViewKinds() =>
    [
        "http:view_png", "http:view_preview_webp", "http:view_preview_jpeg", "http:view_rgb", "http:view_alpha",
        "http:api_view_no_subfolder", "http:view_missing", "http:view_dotdot", "http:view_badtype",
        "http:view_subfolder_escape", "http:view_no_filename",
    ];

    [Theory]
    [MemberData(nameof(ViewKinds))]
    public async Task Answers_like_the_capture(string kind)
    {
        var capture = Captures.Get(kind);
        using var http = fixture.Sim.CreateClient();
        using var response = await http.GetAsync((string)capture["path"]!);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal((int)capture["status"]!, (int)response.StatusCode);
        Assert.Equal((string?)capture["content_type"], response.Content.Headers.ContentType?.ToString());
        Assert.Equal((string?)capture["content_disposition"], response.Content.Headers.TryGetValues("Content-Disposition", out var d) ? d.Single() : null);
        if ((int)capture["status"]! != 200)
        {
            Assert.Empty(body);
        }
    }

    [Theory]
    [InlineData("/view?filename=ComfyUI_00001_.png&subfolder=&type=output")]
    [InlineData("/api/view?filename=ComfyUI_00001_.png&type=output")]
    [InlineData("/view?filename=ComfyUI_00001_.png")]
    [InlineData("/view?filename=ComfyUI_00001_.png%20[output]&type=input")]
    public async Task The_raw_file_is_served_byte_for_byte(string path)
    {
        using var http = fixture.Sim.CreateClient();
        Assert.Equal(fixture.OutputPng, await http.GetByteArrayAsync(path));
    }

    [Fact]
    public async Task Previews_are_reencoded_to_the_requested_format_and_size()
    {
        using var http = fixture.Sim.CreateClient();
        var jpeg = await http.GetByteArrayAsync("/view?filename=ComfyUI_00001_.png&type=output&preview=jpeg;80");
        using var codec = SKCodec.Create(new MemoryStream(jpeg));
        Assert.Equal((SKEncodedImageFormat.Jpeg, 1024, 1024), (codec.EncodedFormat, codec.Info.Width, codec.Info.Height));

        using var webp = await http.GetAsync("/view?filename=ComfyUI_00001_.png&type=output&preview=jpeg;80&channel=a");
        Assert.Equal("image/webp", webp.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Channel_a_of_an_image_without_alpha_is_fully_opaque()
    {
        using var http = fixture.Sim.CreateClient();
        using var alpha = SKBitmap.Decode(await http.GetByteArrayAsync("/view?filename=ComfyUI_00001_.png&type=output&channel=a"));
        Assert.Equal((1024, 1024), (alpha.Width, alpha.Height));
        Assert.Equal(new SKColor(0, 0, 0, 255), alpha.GetPixel(512, 512));
        Assert.Equal(new SKColor(0, 0, 0, 255), alpha.GetPixel(0, 1023));
    }

    [Fact]
    public async Task A_folder_is_not_a_file()
    {
        Directory.CreateDirectory(Path.Combine(fixture.Sim.OutputDirectory, "dir.png"));
        using var http = fixture.Sim.CreateClient();
        using var response = await http.GetAsync("/view?filename=dir.png&type=output");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("page.html", "application/octet-stream")]
    [InlineData("script.js", "application/octet-stream")]
    [InlineData("notes.txt", "text/plain")]
    [InlineData("clip.webp", "image/webp")]
    public async Task Content_type_follows_the_extension_but_pages_and_scripts_are_downloads(string name, string contentType)
    {
        await File.WriteAllTextAsync(Path.Combine(fixture.Sim.OutputDirectory, name), "x");
        using var http = fixture.Sim.CreateClient();
        using var response = await http.GetAsync($"/view?filename={name}&type=output");
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"filename=\"{name}\"", response.Content.Headers.GetValues("Content-Disposition").Single());
    }
}
