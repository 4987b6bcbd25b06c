using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Infrastructure;

namespace FluxAspire.Tests.Api.Inputs;

/// <summary>Image inputs through the real API and simulator: base64 (with and without data:), URLs behind the SSRF
/// guard, refused paths; the simulator's LoadImage validation proves the upload happened.</summary>
public sealed class ImageInputTests(InputsApiFixture fixture) : IClassFixture<InputsApiFixture>
{
    private readonly HttpClient _api = fixture.Api.CreateClient();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Base64_input_is_uploaded_under_a_job_unique_name_and_the_graph_rewritten(bool dataPrefix)
    {
        var id = $"b64-{dataPrefix}-{Guid.NewGuid():N}";
        var image = (dataPrefix ? "data:image/png;base64," : "") + Convert.ToBase64String(InputsApiFixture.Png);

        var (status, body) = await PostPromptAsync(id, InputsGraphs.LoadAndSave(image));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{id}_1.png", (string?)body["prompt"]!["1"]!["inputs"]!["image"]);
        Assert.Equal([$"{id}_in_00001_.png"], body["filenames"]!.AsArray().Select(f => (string?)f));
        // The simulator's SaveImage re-encodes what LoadImage read: a 16×16 PNG.
        var output = Convert.FromBase64String((string)body["images"]![0]!);
        Assert.Equal((16, 16), PngSize(output));
    }

    [Fact]
    public async Task Url_input_is_fetched_from_an_allowed_host()
    {
        var id = $"url-{Guid.NewGuid():N}";

        var (status, body) = await PostPromptAsync(id, InputsGraphs.LoadAndSave(new Uri(fixture.Images.BaseAddress, "/image.png").ToString()));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{id}_1.png", (string?)body["prompt"]!["1"]!["inputs"]!["image"]);
        Assert.Equal((16, 16), PngSize(Convert.FromBase64String((string)body["images"]![0]!)));
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/image.png", "127.0.0.1 is a loopback address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata address")]
    [InlineData("http://localhost:9/image.png", "'localhost' is a loopback host")]
    public async Task Url_inputs_to_internal_addresses_are_refused_with_400(string url, string reason)
    {
        var (status, body) = await PostPromptAsync($"ssrf-{Guid.NewGuid():N}", InputsGraphs.LoadAndSave(url));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = (string)body["errors"]!["prompt.1.inputs.image"]![0]!;
        Assert.StartsWith("node 1 (LoadImage) input 'image': the URL is not allowed: ", message);
        Assert.Contains(reason, message);
    }

    [Fact]
    public async Task A_redirect_to_loopback_is_refused_with_400()
    {
        var (status, body) = await PostPromptAsync($"redir-{Guid.NewGuid():N}",
            InputsGraphs.LoadAndSave(new Uri(fixture.Images.BaseAddress, "/redirect-to-loopback").ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = (string)body["errors"]!["prompt.1.inputs.image"]![0]!;
        Assert.StartsWith("node 1 (LoadImage) input 'image': the URL is not allowed: ", message);
        Assert.Contains("loopback", message);
    }

    [Fact]
    public async Task A_url_that_is_not_an_image_is_refused_with_400()
    {
        var (status, body) = await PostPromptAsync($"text-{Guid.NewGuid():N}",
            InputsGraphs.LoadAndSave(new Uri(fixture.Images.BaseAddress, "/text").ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("node 1 (LoadImage) input 'image': could not download the image: the content type is text/plain, not image/*",
            (string)body["errors"]!["prompt.1.inputs.image"]![0]!);
    }

    [Theory]
    [InlineData("/etc/passwd", "absolute file paths are not allowed")]
    [InlineData("C:\\x", "absolute file paths are not allowed")]
    [InlineData("../../secret.png", "'..' is not allowed in file names")]
    [InlineData("data:image/png;base64,%%%%", "is not valid base64 image data")]
    [InlineData("VGhpcyBpcyBub3QgYW4gaW1hZ2UsIGp1c3Qgc29tZSB0ZXh0IHRoYXQgaXMgbG9uZyBlbm91Z2gu", "is not a PNG, JPEG, GIF, WebP or BMP image")]
    public async Task Paths_and_bad_images_are_refused_with_400_naming_node_and_input(string image, string reason)
    {
        var graph = InputsGraphs.LoadAndSave("example.png");
        graph["7"] = new JsonObject { ["class_type"] = "LoadImageMask", ["inputs"] = new JsonObject { ["image"] = image, ["channel"] = "alpha" } };

        var (status, body) = await PostPromptAsync($"bad-{Guid.NewGuid():N}", graph);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The request is not valid", (string?)body["title"]);
        Assert.StartsWith($"node 7 (LoadImageMask) input 'image': {reason}", (string)body["errors"]!["prompt.7.inputs.image"]![0]!);
        Assert.Single(body["errors"]!.AsObject());
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostPromptAsync(string id, JsonObject graph)
    {
        using var response = await _api.PostAsJsonAsync("/prompt", new JsonObject { ["id"] = id, ["prompt"] = graph });
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static (int Width, int Height) PngSize(byte[] png) =>
        (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
}
