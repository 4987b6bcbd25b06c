using System.Net.Http.Json;
using System.Text.Json.Nodes;
using SkiaSharp;

namespace FluxAspire.Tests.Api.Integration;

/// <summary>The real API process against the real simulator: the happy paths and the 4xx answers.</summary>
public class ApiEndpointTests(ApiWithSimulator env) : IClassFixture<ApiWithSimulator>
{
    private readonly HttpClient _http = env.Api.CreateClient();

    private static SKBitmap Decode(string base64) =>
        SKBitmap.Decode(Convert.FromBase64String(base64)) ?? throw new Xunit.Sdk.XunitException("the image is not decodable");

    private async Task<(HttpStatusCode Status, JsonObject Body, string ContentType)> PostAsync(string path, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject(), response.Content.Headers.ContentType?.MediaType ?? "");
    }

    [Fact]
    public async Task The_recipe_curl_returns_a_1024_square_png_with_defaults_echoed()
    {
        var (status, body, _) = await PostAsync("/workflow/text2img", """{"input": {"prompt": "A beautiful sunset over the ocean"}, "also_unknown": true}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var id = (string)body["id"]!;
        Assert.True(Guid.TryParse(id, out _), id);
        using (var image = Decode((string)body["images"]![0]!))
        {
            Assert.Equal((1024, 1024), (image.Width, image.Height));
        }

        Assert.Equal($"{id}_ComfyUI_00001_.png", (string?)body["filenames"]![0]);
        var input = body["input"]!.AsObject();
        Assert.Equal("A beautiful sunset over the ocean", (string?)input["prompt"]);
        Assert.Equal(1024, (int)input["width"]!);
        Assert.Equal(1024, (int)input["height"]!);
        Assert.Equal(20, (int)input["steps"]!);
        Assert.Equal(1.0, (double)input["cfg_scale"]!);
        Assert.Equal("euler", (string?)input["sampler_name"]);
        Assert.Equal("simple", (string?)input["scheduler"]);
        Assert.Equal(1.0, (double)input["denoise"]!);
        Assert.Equal(3.5, (double)input["guidance"]!);
        Assert.Equal("flux1-dev-fp8.safetensors", (string?)input["checkpoint"]);
        Assert.InRange((ulong)input["seed"]!, 0UL, 999_999_999_999_999UL);
        Assert.False(input.ContainsKey("unknown_field"));
        Assert.Equal($"{id}_ComfyUI", (string?)body["prompt"]!["9"]!["inputs"]!["filename_prefix"]);
        Assert.Equal(input["seed"]!.ToJsonString(), body["prompt"]!["31"]!["inputs"]!["seed"]!.ToJsonString());

        var stats = body["stats"]!.AsObject();
        Assert.Equal(["comfy_execution", "preprocess_time", "comfy_round_trip_time", "postprocess_time", "upload_time", "total_time"], stats.Select(p => p.Key));
        var execution = stats["comfy_execution"]!.AsObject();
        Assert.Equal((long)execution["end"]! - (long)execution["start"]!, (long)execution["duration"]!);
        Assert.True(execution["nodes"]!.AsObject().ContainsKey("31"), execution.ToJsonString());
        Assert.True((double)stats["total_time"]! >= (double)stats["comfy_round_trip_time"]!);
    }

    [Fact]
    public async Task Every_field_and_the_largest_seed_reach_the_graph()
    {
        var (status, body, _) = await PostAsync("/workflow/text2img", """
            {"id": "all-fields-1", "input": {"prompt": "p", "width": 320, "height": 256, "seed": 18446744073709551615, "steps": 2,
             "cfg_scale": 2.5, "sampler_name": "dpmpp_2m", "scheduler": "karras", "denoise": 0.5, "guidance": 4,
             "checkpoint": "flux1-dev-fp8.safetensors"}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("all-fields-1", (string?)body["id"]);
        Assert.Equal("18446744073709551615", body["input"]!["seed"]!.ToJsonString());
        Assert.Equal("18446744073709551615", body["prompt"]!["31"]!["inputs"]!["seed"]!.ToJsonString());
        Assert.Equal("karras", (string?)body["prompt"]!["31"]!["inputs"]!["scheduler"]);
        using var image = Decode((string)body["images"]![0]!);
        Assert.Equal((320, 256), (image.Width, image.Height));
        Assert.Equal("all-fields-1_ComfyUI_00001_.png", (string?)body["filenames"]![0]);
    }

    [Fact]
    public async Task Prompt_runs_a_custom_graph_and_prefixes_its_files_with_the_id()
    {
        var request = new JsonObject { ["id"] = "custom-graph-1", ["prompt"] = TestGraphs.Flux(width: 384, height: 256, prefix: "custom") };

        var (status, body, _) = await PostAsync("/prompt", request.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["id", "prompt", "images", "filenames", "stats"], body.Select(p => p.Key));
        Assert.Equal("custom-graph-1_custom_00001_.png", (string?)body["filenames"]![0]);
        using var image = Decode((string)body["images"]![0]!);
        Assert.Equal((384, 256), (image.Width, image.Height));
    }

    [Fact]
    public async Task Parallel_requests_each_get_their_own_image()
    {
        var requests = Enumerable.Range(0, 6).Select(i => PostAsync("/workflow/text2img",
            new JsonObject
            {
                ["id"] = $"parallel-{i}",
                ["input"] = new JsonObject { ["prompt"] = $"p{i}", ["steps"] = 3, ["width"] = 256, ["height"] = 256 + 16 * i },
            }.ToJsonString())).ToList();

        var responses = await Task.WhenAll(requests);

        for (var i = 0; i < responses.Length; i++)
        {
            var (status, body, _) = responses[i];
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal($"parallel-{i}_ComfyUI_00001_.png", (string?)body["filenames"]![0]);
            using var image = Decode((string)body["images"]![0]!);
            Assert.Equal(256 + 16 * i, image.Height);
        }
    }

    [Fact]
    public async Task ComfyUI_validation_errors_come_back_as_400_with_node_errors()
    {
        var graph = TestGraphs.Flux();
        graph["31"]!["inputs"]!["steps"] = 0;

        var (status, body, contentType) = await PostAsync("/prompt", new JsonObject { ["prompt"] = graph }.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal("ComfyUI rejected the prompt", (string?)body["title"]);
        var error = body["node_errors"]!["31"]!;
        Assert.Equal("KSampler", (string?)error["class_type"]);
        Assert.Equal("value_smaller_than_min", (string?)error["errors"]![0]!["type"]);
        Assert.Equal("steps", (string?)error["errors"]![0]!["input_name"]);
        Assert.Equal("Value 0 smaller than min of 1", (string?)error["errors"]![0]!["message"]);
    }

    [Fact]
    public async Task An_unknown_node_class_is_a_400_with_ComfyUIs_error()
    {
        var graph = TestGraphs.Flux();
        graph["40"] = JsonNode.Parse("""{"class_type": "NoSuchNode", "inputs": {}}""");

        var (status, body, _) = await PostAsync("/prompt", new JsonObject { ["prompt"] = graph }.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_prompt", (string?)body["comfy_error"]!["type"]);
        Assert.Equal("Cannot execute because node NoSuchNode does not exist.: Node ID '#40'", (string?)body["detail"]);
        Assert.Empty(body["node_errors"]!.AsObject());
    }

    [Fact]
    public async Task Request_validation_names_each_bad_field()
    {
        var (status, body, contentType) = await PostAsync("/workflow/text2img",
            """{"input": {"prompt": "p", "width": 5, "height": 4096, "steps": 0, "cfg_scale": 21, "denoise": 1.5, "guidance": -1, "sampler_name": "nope"}, "id": "bad/id"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        var errors = body["errors"]!.AsObject();
        Assert.Equal(["id", "input.cfg_scale", "input.denoise", "input.guidance", "input.height", "input.sampler_name", "input.steps", "input.width"],
            errors.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("must be between 256 and 2048", (string?)errors["input.width"]![0]);
        Assert.StartsWith("must be one of euler, euler_cfg_pp,", (string?)errors["input.sampler_name"]![0]);
        Assert.Contains("input.width: must be between 256 and 2048", (string?)body["detail"]);
    }

    [Theory]
    [InlineData("/workflow/text2img", """{"input": {"prompt": "p", "width": 5""", "body")]
    [InlineData("/workflow/text2img", """{"input": {"prompt": "p", "width": "wide"}}""", "input.width")]
    [InlineData("/workflow/text2img", """{"input": {"prompt": "p", "seed": 18446744073709551616}}""", "input.seed")]
    [InlineData("/workflow/text2img", """{"input": {"width": 512}}""", "input.prompt")]
    [InlineData("/workflow/text2img", """{}""", "input")]
    [InlineData("/prompt", """{"prompt": [1, 2]}""", "prompt")]
    [InlineData("/prompt", """{"prompt": {"1": {"class_type": "PreviewImage", "inputs": {}}}}""", "prompt")]
    [InlineData("/prompt", "not json at all", "body")]
    public async Task Bad_bodies_are_400_problems_naming_the_field(string path, string json, string field)
    {
        var (status, body, contentType) = await PostAsync(path, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.True(body["errors"]!.AsObject().ContainsKey(field), body.ToJsonString());
    }

    [Fact]
    public async Task A_reused_id_is_a_409()
    {
        var request = new JsonObject { ["id"] = "reused-id-1", ["prompt"] = TestGraphs.Flux(steps: 1) }.ToJsonString();

        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/prompt", request)).Status);
        var (status, body, _) = await PostAsync("/prompt", request);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("Duplicate request id", (string?)body["title"]);
    }

    [Fact]
    public async Task Ready_is_200_after_warmup()
    {
        using var response = await _http.GetAsync("/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ready","reasons":[],"degraded":[]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Models_are_listed_live_from_ComfyUI()
    {
        var models = await _http.GetFromJsonAsync<Dictionary<string, string[]>>("/models");

        Assert.Equal(["flux1-dev-fp8.safetensors"], models!["checkpoints"]);
        Assert.Contains("loras", models.Keys);
    }

    [Fact]
    public async Task OpenApi_documents_both_endpoints_with_their_schemas_and_ranges()
    {
        var document = JsonNode.Parse(await _http.GetStringAsync("/openapi/v1.json"))!;

        var text2img = document["paths"]!["/workflow/text2img"]!["post"]!;
        Assert.Equal("#/components/schemas/Text2ImgRequest", (string?)text2img["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Equal("#/components/schemas/Text2ImgResponse", (string?)text2img["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        var prompt = document["paths"]!["/prompt"]!["post"]!;
        Assert.Equal("#/components/schemas/PromptRequest", (string?)prompt["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Equal("#/components/schemas/PromptResponse", (string?)prompt["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotNull(text2img["responses"]!["400"]);
        Assert.NotNull(text2img["responses"]!["503"]);

        var input = document["components"]!["schemas"]!["Text2ImgInput"]!;
        Assert.Equal(["prompt"], input["required"]!.AsArray().Select(n => (string?)n));
        var width = input["properties"]!["width"]!;
        Assert.Equal((256, 2048, 1024), ((int)width["minimum"]!, (int)width["maximum"]!, (int)width["default"]!));
        Assert.Equal("18446744073709551615", input["properties"]!["seed"]!["maximum"]!.ToJsonString());
        Assert.Equal(3.5, (double)input["properties"]!["guidance"]!["default"]!);
        Assert.Contains("euler", input["properties"]!["sampler_name"]!["enum"]!.AsArray().Select(n => (string?)n));
        Assert.NotNull(document["components"]!["schemas"]!["Text2ImgRequest"]!["examples"]);
    }

    [Fact]
    public async Task OpenApi_tags_are_unique_and_none_is_named_like_Scalars_own_schema_section()
    {
        var document = JsonNode.Parse(await _http.GetStringAsync("/openapi/v1.json"))!;
        var tags = document["tags"]!.AsArray().Select(t => (string)t!["name"]!).ToList();

        Assert.Equal(tags.Distinct(), tags);
        Assert.DoesNotContain("Models", tags); // Scalar lists the schemas under "Models"; a tag of that name reads as a duplicate
        Assert.Equal(["Model files"], document["paths"]!["/models"]!["get"]!["tags"]!.AsArray().Select(t => (string?)t));
        Assert.Equal(["Model files"], document["paths"]!["/download"]!["post"]!["tags"]!.AsArray().Select(t => (string?)t));
    }

    [Fact]
    public async Task Docs_serve_the_Scalar_reference()
    {
        using var response = await _http.GetAsync("/docs/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("scalar", (await response.Content.ReadAsStringAsync()).ToLowerInvariant());
    }
}
