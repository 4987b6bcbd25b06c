using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Api.Webhooks;
using SkiaSharp;

namespace FluxAspire.Tests.Api.Uploads;

/// <summary>http_upload end to end: each output PUT to url_prefix/filename on a real receiver.</summary>
public class HttpUploadTests(WebhookEnvironment env) : IClassFixture<WebhookEnvironment>
{
    private readonly HttpClient _http = env.Api.CreateClient();

    private string Url(string path) => new Uri(env.Receiver.BaseAddress, path).ToString();

    private static string NewId(string name) => $"{name}-{Guid.NewGuid():N}";

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, JsonObject body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    /// <summary>Pixels only: the PNG's text chunks carry the graph, whose prefixes differ per request id.</summary>
    private static byte[] Pixels(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new Xunit.Sdk.XunitException("not a decodable image");
        return bitmap.Bytes;
    }

    [Fact]
    public async Task Sync_upload_answers_200_with_URLs_after_the_files_arrived()
    {
        var baseline = await PostAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1, seed: 11) });
        Assert.Equal(HttpStatusCode.OK, baseline.Status);
        var expectedPixels = Pixels(Convert.FromBase64String((string)baseline.Body["images"]![0]!));

        var id = NewId("up-sync");
        var (status, body) = await PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1, seed: 11),
            ["id"] = id,
            ["http_upload"] = new JsonObject { ["url_prefix"] = Url("/up/sync/") },
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var filename = $"{id}_ComfyUI_00001_.png";
        Assert.Equal([filename], body["filenames"]!.AsArray().Select(f => (string?)f));
        Assert.Equal([Url($"/up/sync/{filename}")], body["images"]!.AsArray().Select(f => (string?)f));
        Assert.True((double)body["stats"]!["upload_time"]! > 0);

        var put = Assert.Single(env.Receiver.ReceivedAt("/up/sync/"));
        Assert.Equal("PUT", put.Method);
        Assert.Equal($"/up/sync/{filename}", put.Path);
        Assert.Equal("image/png", put.Header("content-type"));
        Assert.Equal(expectedPixels, Pixels(put.Body));
    }

    [Fact]
    public async Task Async_upload_answers_202_at_once_and_the_files_arrive()
    {
        var id = NewId("up-async");
        var graph = TestGraphs.Flux(256, 256, 1);
        graph["27"]!["inputs"]!["batch_size"] = 2;
        var (status, body) = await PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = graph,
            ["id"] = id,
            ["http_upload"] = new JsonObject { ["url_prefix"] = Url("/up/async"), ["async"] = true },
        });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("ok", (string?)body["status"]);
        Assert.Equal(true, (bool?)body["http_upload"]!["async"]);

        var puts = await env.Receiver.WaitForAsync("/up/async/", 2);
        Assert.Equal([$"/up/async/{id}_ComfyUI_00001_.png", $"/up/async/{id}_ComfyUI_00002_.png"], puts.Select(p => p.Path).Order());
        Assert.All(puts, p => Assert.Equal(256, SKBitmap.Decode(p.Body).Width));
    }

    [Fact]
    public async Task With_webhook_v2_the_webhook_carries_the_uploaded_URLs()
    {
        var id = NewId("up-v2");
        var (status, _) = await PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["id"] = id,
            ["webhook_v2"] = Url("/up/v2hook"),
            ["http_upload"] = new JsonObject { ["url_prefix"] = Url("/up/v2files") },
        });
        Assert.Equal(HttpStatusCode.Accepted, status);

        var hook = (await env.Receiver.WaitForAsync("/up/v2hook")).Single();
        StandardWebhooksVerifier.Verify(WebhookEnvironment.Secret, hook);
        var body = JsonNode.Parse(hook.BodyText)!;
        var filename = $"{id}_ComfyUI_00001_.png";
        Assert.Equal("prompt.complete", (string?)body["type"]);
        Assert.Equal([Url($"/up/v2files/{filename}")], body["images"]!.AsArray().Select(i => (string?)i));
        Assert.Equal($"/up/v2files/{filename}", Assert.Single(env.Receiver.ReceivedAt("/up/v2files")).Path);
    }

    [Theory]
    [InlineData("http://169.254.169.254/upload", "refused: host '169.254.169.254' resolves to 169.254.169.254 is a cloud metadata address")]
    [InlineData("http://127.0.0.1:1/upload", "refused: host '127.0.0.1' resolves to 127.0.0.1 is a loopback address")]
    public async Task A_refused_url_prefix_is_a_400_before_the_job_runs(string prefix, string reason)
    {
        var (status, problem) = await PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["http_upload"] = new JsonObject { ["url_prefix"] = prefix },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([reason], problem["errors"]!["http_upload.url_prefix"]!.AsArray().Select(e => (string?)e));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "host '169.254.169.254' resolves to 169.254.169.254 is a cloud metadata address")]
    [InlineData("http://127.0.0.1:1/admin", "host '127.0.0.1' resolves to 127.0.0.1 is a loopback address")]
    public async Task A_receiver_that_redirects_to_a_forbidden_address_is_a_400(string target, string reason)
    {
        var path = $"/up/redirect-{Guid.NewGuid():N}";
        env.Receiver.RespondAt(path, (_, _, context) =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = target;
            return Task.CompletedTask;
        });

        var (status, problem) = await PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["http_upload"] = new JsonObject { ["url_prefix"] = Url(path) },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = (string)problem["errors"]!["http_upload.url_prefix"]![0]!;
        Assert.EndsWith($"refused: {reason}", error);
        Assert.Single(env.Receiver.ReceivedAt(path));
    }

    [Fact]
    public async Task Bad_http_upload_fields_are_named()
    {
        var (status, problem) = await PostAsync("/workflow/text2img", new JsonObject
        {
            ["input"] = new JsonObject { ["prompt"] = "p" },
            ["http_upload"] = new JsonObject { ["async"] = "soon" },
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["is required and must be a string"], problem["errors"]!["http_upload.url_prefix"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(["must be true or false"], problem["errors"]!["http_upload.async"]!.AsArray().Select(e => (string?)e));
    }
}
