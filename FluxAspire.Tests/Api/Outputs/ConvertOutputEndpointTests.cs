using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using SkiaSharp;

namespace FluxAspire.Tests.Api.Outputs;

/// <summary>convert_output through the real API process and simulator, on both endpoints.</summary>
public class ConvertOutputEndpointTests(ApiWithSimulator env) : IClassFixture<ApiWithSimulator>
{
    private readonly HttpClient _http = env.Api.CreateClient();

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, JsonObject body)
    {
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(path, content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static (SKEncodedImageFormat Format, int Width, int Height) Inspect(string base64)
    {
        using var codec = SKCodec.Create(new MemoryStream(Convert.FromBase64String(base64))) ?? throw new Xunit.Sdk.XunitException("not decodable");
        using var bitmap = SKBitmap.Decode(Convert.FromBase64String(base64)) ?? throw new Xunit.Sdk.XunitException("no pixels");
        Assert.Equal((codec.Info.Width, codec.Info.Height), (bitmap.Width, bitmap.Height));
        return (codec.EncodedFormat, codec.Info.Width, codec.Info.Height);
    }

    [Fact]
    public async Task Prompt_outputs_come_back_as_jpeg()
    {
        var (status, body) = await PostAsync("/prompt", new JsonObject
        {
            ["id"] = "convert-jpeg-1",
            ["prompt"] = TestGraphs.Flux(width: 320, height: 256, steps: 1),
            ["convert_output"] = new JsonObject { ["format"] = "jpeg", ["options"] = new JsonObject { ["quality"] = 90 } },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["convert-jpeg-1_ComfyUI_00001_.jpeg"], body["filenames"]!.AsArray().Select(f => (string?)f));
        Assert.Equal((SKEncodedImageFormat.Jpeg, 320, 256), Inspect((string)body["images"]![0]!));
    }

    [Fact]
    public async Task Text2img_outputs_come_back_as_jpg_with_the_alias_extension()
    {
        var (status, body) = await PostAsync("/workflow/text2img", new JsonObject
        {
            ["id"] = "convert-jpg-1",
            ["input"] = new JsonObject { ["prompt"] = "p", ["width"] = 256, ["height"] = 384, ["steps"] = 1 },
            ["convert_output"] = new JsonObject { ["format"] = "jpg" },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["convert-jpg-1_ComfyUI_00001_.jpg"], body["filenames"]!.AsArray().Select(f => (string?)f));
        Assert.Equal((SKEncodedImageFormat.Jpeg, 256, 384), Inspect((string)body["images"]![0]!));
    }

    [Fact]
    public async Task Text2img_outputs_come_back_as_webp()
    {
        var (status, body) = await PostAsync("/workflow/text2img", new JsonObject
        {
            ["id"] = "convert-webp-1",
            ["input"] = new JsonObject { ["prompt"] = "p", ["width"] = 384, ["height"] = 256, ["steps"] = 1 },
            ["convert_output"] = new JsonObject { ["format"] = "webp", ["options"] = new JsonObject { ["quality"] = 60, ["effort"] = 6, ["preset"] = "photo" } },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["convert-webp-1_ComfyUI_00001_.webp"], body["filenames"]!.AsArray().Select(f => (string?)f));
        Assert.Equal((SKEncodedImageFormat.Webp, 384, 256), Inspect((string)body["images"]![0]!));
    }

    [Fact]
    public async Task Png_is_refused_with_400_naming_the_field()
    {
        var (status, body) = await PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(steps: 1),
            ["convert_output"] = new JsonObject { ["format"] = "png" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["convert_output.format"], body["errors"]!.AsObject().Select(p => p.Key));
        Assert.StartsWith("convert_output.format: png is the output format already", (string?)body["detail"]);
    }

    [Fact]
    public async Task Bad_options_are_refused_with_400_naming_each_field_beside_the_inputs_errors()
    {
        var (status, body) = await PostAsync("/workflow/text2img", new JsonObject
        {
            ["input"] = new JsonObject { ["prompt"] = "p", ["width"] = 100 },
            ["convert_output"] = new JsonObject { ["format"] = "jpeg", ["options"] = new JsonObject { ["quality"] = 0, ["progressive"] = "yes" } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body["errors"]!.AsObject();
        Assert.Equal(["convert_output.options.progressive", "convert_output.options.quality", "input.width"],
            errors.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("must be between 1 and 100", (string?)errors["convert_output.options.quality"]![0]);
        Assert.Equal("must be true or false", (string?)errors["convert_output.options.progressive"]![0]);
        Assert.Contains("convert_output.options.quality: must be between 1 and 100", (string?)body["detail"]);
    }

    [Fact]
    public async Task A_convert_output_that_is_not_an_object_is_a_400()
    {
        var (status, body) = await PostAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(steps: 1), ["convert_output"] = "jpeg" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["convert_output"], body["errors"]!.AsObject().Select(p => p.Key));
        Assert.Equal("must be an object {format, options}", (string?)body["errors"]!["convert_output"]![0]);
    }
}
