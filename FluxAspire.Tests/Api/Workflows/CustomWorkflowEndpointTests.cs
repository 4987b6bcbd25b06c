using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using SkiaSharp;

namespace FluxAspire.Tests.Api.Workflows;

/// <summary>The real API with a custom workflow folder, against the real simulator.</summary>
public class CustomWorkflowEndpointTests(CustomWorkflowFolder env) : IClassFixture<CustomWorkflowFolder>
{
    private readonly HttpClient _http = env.Api.CreateClient();

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(path, content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private static (int Width, int Height) Size(JsonNode base64)
    {
        using var image = SKBitmap.Decode(Convert.FromBase64String((string)base64!)) ?? throw new Xunit.Sdk.XunitException("not decodable");
        return (image.Width, image.Height);
    }

    [Fact]
    public async Task A_definition_in_a_sub_folder_becomes_an_endpoint_that_runs()
    {
        var (status, body) = await PostAsync("/workflow/flux/portrait", """{"id": "portrait-1", "input": {"prompt": "an old sailor", "size": 320}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        // The same key order text2img has always answered with (the derived record's input first).
        Assert.Equal(["input", "id", "prompt", "images", "filenames", "stats"], body.Select(p => p.Key));
        Assert.Equal("portrait-1", (string?)body["id"]);
        Assert.Equal((320, 320), Size(body["images"]![0]!));
        Assert.Equal("portrait-1_portrait_00001_.png", (string?)body["filenames"]![0]);
        var input = body["input"]!.AsObject();
        Assert.Equal(["prompt", "size", "steps", "seed", "sampler_name", "negative", "mood"], input.Select(p => p.Key));
        Assert.Equal(("an old sailor", 320, 2, "euler", "", "simple"),
            ((string?)input["prompt"], (int)input["size"]!, (int)input["steps"]!, (string?)input["sampler_name"], (string?)input["negative"], (string?)input["mood"]));
        var graph = body["prompt"]!;
        Assert.Equal((320, 320), ((int)graph["27"]!["inputs"]!["width"]!, (int)graph["27"]!["inputs"]!["height"]!));
        Assert.Equal(input["seed"]!.ToJsonString(), graph["31"]!["inputs"]!["seed"]!.ToJsonString());
        Assert.Equal("an old sailor", (string?)graph["6"]!["inputs"]!["text"]);
    }

    [Fact]
    public async Task A_field_the_definition_does_not_name_is_refused_not_dropped()
    {
        var (status, body) = await PostAsync("/workflow/flux/portrait", """{"input": {"prompt": "an old sailor", "size": 320, "extra": true}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body["errors"]!.AsObject();
        Assert.Equal(["input.extra"], errors.Select(p => p.Key));
        Assert.StartsWith("is not a parameter of this workflow (it takes prompt, size, ", (string?)errors["input.extra"]![0]);
    }

    [Fact]
    public async Task Each_bad_field_is_named_with_its_rule()
    {
        var (status, body) = await PostAsync("/workflow/flux/portrait",
            """{"id": 7, "input": {"size": 100, "steps": "many", "seed": 1.5, "negative": 5, "mood": "grim", "sampler_name": "nope"}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body["errors"]!.AsObject();
        Assert.Equal(["id", "input.mood", "input.negative", "input.prompt", "input.sampler_name", "input.seed", "input.size", "input.steps"], errors.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("must be a string", (string?)errors["id"]![0]);
        Assert.Equal("is required", (string?)errors["input.prompt"]![0]);
        Assert.Equal("must be between 256 and 1024", (string?)errors["input.size"]![0]);
        Assert.Equal("must be an integer between 1 and 8", (string?)errors["input.steps"]![0]);
        Assert.Equal("must be an integer of at least 0", (string?)errors["input.seed"]![0]);
        Assert.Equal("must be a string", (string?)errors["input.negative"]![0]);
        Assert.Equal("must be one of simple, karras", (string?)errors["input.mood"]![0]);
        Assert.StartsWith("must be one of euler, euler_cfg_pp,", (string?)errors["input.sampler_name"]![0]);
        Assert.Contains("input.size: must be between 256 and 1024", (string?)body["detail"]);
    }

    [Fact]
    public async Task The_custom_endpoint_and_the_built_ins_are_in_OpenAPI_with_their_schemas()
    {
        var document = JsonNode.Parse(await _http.GetStringAsync("/openapi/v1.json"))!;

        var operation = document["paths"]!["/workflow/flux/portrait"]!["post"]!;
        Assert.Equal("Square portrait", (string?)operation["summary"]);
        Assert.Equal("#/components/schemas/FluxPortraitRequest", (string?)operation["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Equal("#/components/schemas/FluxPortraitResponse", (string?)operation["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotNull(operation["responses"]!["400"]);
        var schemas = document["components"]!["schemas"]!;
        Assert.Equal("#/components/schemas/FluxPortraitInput", (string?)schemas["FluxPortraitRequest"]!["properties"]!["input"]!["$ref"]);
        Assert.Equal(["input"], schemas["FluxPortraitRequest"]!["required"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("an old sailor", (string?)schemas["FluxPortraitRequest"]!["examples"]![0]!["input"]!["prompt"]);
        var input = schemas["FluxPortraitInput"]!;
        Assert.Equal(["prompt"], input["required"]!.AsArray().Select(n => (string?)n));
        var size = input["properties"]!["size"]!;
        Assert.Equal(("integer", 256, 1024, 256, "Side in pixels."), ((string?)size["type"], (int)size["minimum"]!, (int)size["maximum"]!, (int)size["default"]!, (string?)size["description"]));
        Assert.Equal(["simple", "karras"], input["properties"]!["mood"]!["enum"]!.AsArray().Select(n => (string?)n));
        Assert.Contains("euler", input["properties"]!["sampler_name"]!["enum"]!.AsArray().Select(n => (string?)n));
        Assert.Null(input["properties"]!["seed"]!["default"]);
        Assert.Equal(512, (int)input["examples"]![0]!["size"]!);
        Assert.Equal("#/components/schemas/PromptResponse", (string?)schemas["FluxPortraitResponse"]!["allOf"]![0]!["$ref"]);

        Assert.NotNull(document["paths"]!["/workflow/text2img"]);
        var img2img = schemas["Img2ImgInput"]!;
        Assert.Equal(["prompt", "image"], img2img["required"]!.AsArray().Select(n => (string?)n));
        Assert.Equal("string", (string?)img2img["properties"]!["image"]!["type"]);
        Assert.Equal(0.75, (double)img2img["properties"]!["denoise"]!["default"]!);
    }

    [Fact]
    public async Task Img2img_redraws_an_uploaded_image_at_its_size()
    {
        // Upload it ourselves (as a client of ComfyUI would); the API's own upload of base64/URL inputs is a separate feature.
        using var bitmap = new SKBitmap(320, 256);
        bitmap.Erase(SKColors.CadetBlue);
        using var png = SKImage.FromBitmap(bitmap).Encode(SKEncodedImageFormat.Png, 100);
        using var simulator = env.Simulator.CreateClient();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(png.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "image", "img2img-input.png");
        using var upload = await simulator.PostAsync("/upload/image", form);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var name = (string)JsonNode.Parse(await upload.Content.ReadAsStringAsync())!["name"]!;

        var (status, body) = await PostAsync("/workflow/img2img", $$$"""{"input": {"prompt": "at night", "image": "{{{name}}}", "steps": 2}}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal((320, 256), Size(body["images"]![0]!));
        Assert.Equal(0.75, (double)body["input"]!["denoise"]!);
        Assert.Equal(name, (string?)body["input"]!["image"]);
        var graph = body["prompt"]!;
        Assert.Equal(name, (string?)graph["10"]!["inputs"]!["image"]);
        Assert.Equal(0.75, (double)graph["31"]!["inputs"]!["denoise"]!);
        Assert.Equal("""["11",0]""", graph["31"]!["inputs"]!["latent_image"]!.ToJsonString());
    }

    [Fact]
    public async Task Img2img_without_an_image_is_a_400_naming_it()
    {
        var (status, body) = await PostAsync("/workflow/img2img", """{"input": {"prompt": "p", "denoise": 2}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["input.denoise", "input.image"], body["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("must be between 0 and 1", (string?)body["errors"]!["input.denoise"]![0]);
    }
}
