using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery.Webhooks;
using FluxAspire.Api.Endpoints;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Outputs;
using FluxAspire.Api.Pipeline.Prompts;
using FluxAspire.Api.Pipeline.Workflows;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;

namespace FluxAspire.Tests.Api.Outputs;

/// <summary>
/// The bodies written straight from output bytes (the 200 of /prompt and /workflow/*, webhook_v2 prompt.complete, the
/// legacy output.complete) are byte for byte what System.Text.Json writes for the same body with the image as a byte
/// array, and the same JSON as the base64-string bodies written before; for outputs of FLUX size, whose base64 spans
/// many segments, and lengths that are not a multiple of 3.
/// </summary>
public class ResponseBytesTests
{
    private static readonly JsonSerializerOptions AppJson = AppJsonOptions();

    private static JsonSerializerOptions AppJsonOptions()
    {
        // The API's HTTP JSON options as Program.cs ends up with them (AddApiErrors sets the number handling).
        var options = new JsonOptions().SerializerOptions;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Encoder = FluxAspire.Api.Delivery.JsonStringifyEncoder.Instance;
        return options;
    }

    private static byte[] Noise(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static JobResult Result(params byte[][] outputs) => new(
        "job-1",
        new JsonObject
        {
            ["6"] = new JsonObject { ["class_type"] = "CLIPTextEncode", ["inputs"] = new JsonObject { ["text"] = "a café <at> night & \"rain\" + fog 🌧" } },
            ["9"] = new JsonObject { ["class_type"] = "SaveImage", ["inputs"] = new JsonObject { ["filename_prefix"] = "job-1_ComfyUI", ["images"] = new JsonArray("8", 0) } },
        },
        [.. outputs.Select((bytes, i) => new JobOutputFile("9", $"job-1_ComfyUI_0000{i + 1}_.png", bytes))],
        new JobStats(1_764_000_000_123, 1_764_000_004_456, new Dictionary<string, long> { ["31"] = 1_764_000_000_200, ["8"] = 1_764_000_004_000 },
            TimeSpan.FromMilliseconds(1.2345), TimeSpan.FromMilliseconds(4321.5), TimeSpan.FromMilliseconds(0.0625), TimeSpan.Zero, TimeSpan.FromSeconds(4.4)));

    private static async Task<string> ExecuteAsync(IResult result)
    {
        var services = new ServiceCollection();
        services.AddOptions<JsonOptions>().Configure(o =>
        {
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.Encoder = FluxAspire.Api.Delivery.JsonStringifyEncoder.Instance; // as AddApiErrors sets it
        });
        var http = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        using var body = new MemoryStream();
        http.Response.Body = body;
        await result.ExecuteAsync(http);
        await http.Response.BodyWriter.CompleteAsync();
        Assert.Equal(200, http.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", http.Response.ContentType);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    [Theory]
    [InlineData(1_700_001)]
    [InlineData(JsonBodyWriter.SegmentBytes)]
    [InlineData(JsonBodyWriter.SegmentBytes + 1)]
    [InlineData(2)]
    public async Task A_prompt_response_is_what_System_Text_Json_writes_for_it(int length)
    {
        var outputs = new[] { Noise(length, 1), Noise(length / 2 + 1, 2) };
        var result = Result(outputs);

        var written = await ExecuteAsync(new PromptResult<PromptResponse>(new PromptResponseBody(result)));

        var reference = JsonSerializer.Serialize(new BytesResponse
        {
            Id = result.Id,
            Prompt = result.Graph,
            Images = outputs,
            Filenames = result.Files.Select(f => f.Filename).ToList(),
            Stats = PromptStats.From(result.Stats),
        }, AppJson);
        Assert.Equal(reference, written);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(StringsBody(result, outputs, input: null)), JsonNode.Parse(written)));
    }

    [Fact]
    public async Task A_workflow_response_has_its_input_first_as_System_Text_Json_writes_the_derived_record()
    {
        var outputs = new[] { Noise(1_700_000, 3) };
        var result = Result(outputs);
        var input = new JsonObject { ["prompt"] = "a lighthouse", ["seed"] = 42, ["width"] = 1024 };

        var written = await ExecuteAsync(new PromptResult<WorkflowResponse>(new PromptResponseBody(result, Input: input)));

        Assert.StartsWith("""{"input":{"prompt":"a lighthouse","seed":42,"width":1024},"id":"job-1","prompt":{""", written);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(StringsBody(result, outputs, input)), JsonNode.Parse(written)));
        Assert.Equal(Convert.ToBase64String(outputs[0]), (string?)JsonNode.Parse(written)!["images"]![0]);
    }

    [Fact]
    public async Task Uploaded_urls_replace_the_images_as_strings()
    {
        var result = Result(Noise(10, 4));
        var urls = new[] { "https://bucket.example.com/out/job-1_ComfyUI_00001_.png?sig=a+b" };

        var written = await ExecuteAsync(new PromptResult<PromptResponse>(new PromptResponseBody(result, urls)));

        var before = JsonSerializer.Serialize(new PromptResponse
        {
            Id = result.Id,
            Prompt = result.Graph,
            Images = urls,
            Filenames = result.Files.Select(f => f.Filename).ToList(),
            Stats = PromptStats.From(result.Stats),
        }, AppJson);
        Assert.Equal(before, written);
    }

    [Fact]
    public async Task A_prompt_complete_webhook_is_the_merged_body_it_was()
    {
        var outputs = new[] { Noise(1_700_002, 5) };
        var result = Result(outputs);
        var echo = new JsonObject { ["input"] = new JsonObject { ["seed"] = 7 }, ["id"] = "job-1", ["webhook_v2"] = "https://example.com/hook?a=1&b=2" };
        var now = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

        var written = await WebhookBodies.Complete(echo, result, null, now).ReadAsStringAsync(default);

        // The body as it was built before, with the images as byte arrays: JsonObject merges, then ToJsonString.
        var body = new JsonObject { ["type"] = "prompt.complete", ["timestamp"] = "2026-01-02T03:04:05.678Z" };
        foreach (var (key, value) in echo) body[key] = value?.DeepClone();
        body["id"] = result.Id;
        body["prompt"] = result.Graph.DeepClone();
        body["images"] = new JsonArray([.. outputs.Select(o => JsonValue.Create(o))]);
        body["filenames"] = new JsonArray([.. result.Files.Select(f => JsonValue.Create(f.Filename))]);
        body["stats"] = JsonSerializer.SerializeToNode(PromptStats.From(result.Stats), WebhookBodies.Json);
        Assert.Equal(body.ToJsonString(WebhookBodies.Json), written);

        var (length, signature) = await WebhookBodies.Complete(echo, result, null, now).MeasureAsync("job-1", 1767323045, [1, 2, 3], default);
        Assert.Equal(Encoding.UTF8.GetByteCount(written), length);
        Assert.Equal(WebhookSignature.Sign("job-1", 1767323045, written, [1, 2, 3]), signature);
    }

    [Fact]
    public async Task A_legacy_output_webhook_is_the_body_it_was()
    {
        var outputs = new[] { Noise(100_000, 6), Noise(5, 7) };
        var result = Result(outputs);

        var written = await WebhookBodies.LegacyOutput(result, result.Files[1]).ReadAsStringAsync(default);

        var stats = (JsonObject)JsonSerializer.SerializeToNode(PromptStats.From(result.Stats), WebhookBodies.Json)!;
        stats.Remove("upload_time");
        stats.Remove("total_time");
        var before = new JsonObject
        {
            ["event"] = "output.complete",
            ["image"] = JsonValue.Create(outputs[1]),
            ["id"] = result.Id,
            ["filename"] = result.Files[1].Filename,
            ["prompt"] = result.Graph.DeepClone(),
            ["stats"] = stats,
        };
        Assert.Equal(before.ToJsonString(WebhookBodies.Json), written);
    }

    /// <summary>The body as the API wrote it before: the record with base64 strings (where '+' came out as \u002B).</summary>
    private static string StringsBody(JobResult result, byte[][] outputs, JsonObject? input)
    {
        var response = new PromptResponse
        {
            Id = result.Id,
            Prompt = result.Graph,
            Images = outputs.Select(Convert.ToBase64String).ToList(),
            Filenames = result.Files.Select(f => f.Filename).ToList(),
            Stats = PromptStats.From(result.Stats),
        };
        return input is null
            ? JsonSerializer.Serialize(response, AppJson)
            : JsonSerializer.Serialize(new WorkflowResponse
            {
                Id = response.Id, Prompt = response.Prompt, Images = response.Images, Filenames = response.Filenames, Stats = response.Stats, Input = input,
            }, AppJson);
    }

    /// <summary>PromptResponse with its images as byte arrays, which System.Text.Json writes as base64 itself.</summary>
    private sealed record BytesResponse
    {
        [JsonPropertyName("id")]
        public required string Id { get; init; }

        [JsonPropertyName("prompt")]
        public required JsonObject Prompt { get; init; }

        [JsonPropertyName("images")]
        public required IReadOnlyList<byte[]> Images { get; init; }

        [JsonPropertyName("filenames")]
        public required IReadOnlyList<string> Filenames { get; init; }

        [JsonPropertyName("stats")]
        public required PromptStats Stats { get; init; }
    }
}
