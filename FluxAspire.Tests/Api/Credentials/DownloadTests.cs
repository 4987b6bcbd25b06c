using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Api.Credentials;

/// <summary>POST /download into the simulator's models folder (which it lists live), and a graph whose ckpt_name is a
/// URL: downloaded to its hashed cache name, then run.</summary>
public sealed class DownloadTests(CredentialsApiFixture fixture) : IClassFixture<CredentialsApiFixture>
{
    private readonly HttpClient _api = fixture.Api.CreateClient();

    private static JsonObject Bearer => new() { ["type"] = "bearer", ["token"] = CredentialsApiFixture.Token };

    [Fact]
    public async Task Wait_true_answers_200_when_the_file_is_in_place()
    {
        var name = $"waited-{Guid.NewGuid():N}.safetensors";
        var (status, text) = await PostAsync(new JsonObject
        {
            ["url"] = fixture.Url("/bearer/model.safetensors").ToString(),
            ["model_type"] = "loras",
            ["filename"] = name,
            ["wait"] = true,
            ["auth"] = Bearer,
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var body = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(["url", "model_type", "filename", "status", "size", "duration"], body.Select(p => p.Key));
        Assert.Equal(fixture.Url("/bearer/model.safetensors").ToString(), (string?)body["url"]);
        Assert.Equal("loras", (string?)body["model_type"]);
        Assert.Equal(name, (string?)body["filename"]);
        Assert.Equal("completed", (string?)body["status"]);
        Assert.Equal(CredentialsApiFixture.Model.Length, (long)body["size"]!);
        Assert.True((double)body["duration"]! >= 0);
        Assert.Equal(CredentialsApiFixture.Model, await File.ReadAllBytesAsync(Path.Combine(fixture.ModelsDirectory, "loras", name)));
        CredentialsTests.AssertNoSecret(text);

        // The simulator lists it at once, as ComfyUI would.
        var listed = await fixture.Api.CreateClient().GetFromJsonAsync<JsonObject>("/models");
        Assert.Contains(name, listed!["loras"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public async Task Wait_false_answers_202_and_the_file_appears_whole()
    {
        var (status, text) = await PostAsync(new JsonObject
        {
            ["url"] = fixture.Url("/query/background-model.safetensors").ToString(),
            ["model_type"] = "vae",
            ["auth"] = new JsonObject { ["type"] = "query", ["query_param"] = CredentialsApiFixture.QueryParam, ["query_value"] = CredentialsApiFixture.QueryValue },
        });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(new JsonObject
        {
            ["url"] = fixture.Url("/query/background-model.safetensors").ToString(),
            ["model_type"] = "vae",
            ["filename"] = "background-model.safetensors",
            ["status"] = "started",
        }.ToJsonString(), JsonNode.Parse(text)!.ToJsonString());
        var path = Path.Combine(fixture.ModelsDirectory, "vae", "background-model.safetensors");
        await Eventually.UntilAsync(() => File.Exists(path), TimeSpan.FromSeconds(20), $"the background download to appear at {path}");

        Assert.Equal(CredentialsApiFixture.Model, await File.ReadAllBytesAsync(path));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.ModelsDirectory, ".downloads")));
    }

    [Fact]
    public async Task A_failed_background_download_is_logged_with_the_url_but_no_secret()
    {
        var (status, _) = await PostAsync(new JsonObject
        {
            ["url"] = fixture.Url("/bearer/refused.safetensors").ToString(),
            ["model_type"] = "checkpoints",
            ["auth"] = new JsonObject { ["type"] = "bearer", ["token"] = "wrong-token-" + CredentialsApiFixture.Password },
        });

        Assert.Equal(HttpStatusCode.Accepted, status);
        var expected = $"Download of {fixture.Url("/bearer/refused.safetensors")} to checkpoints/refused.safetensors failed: the server answered 401";
        await Eventually.TryUntilAsync(() => fixture.Api.Log.Contains(expected, StringComparison.Ordinal), TimeSpan.FromSeconds(20));

        Assert.Contains(expected, fixture.Api.Log);
        CredentialsTests.AssertNoSecret(fixture.Api.Log);
        Assert.False(File.Exists(Path.Combine(fixture.ModelsDirectory, "checkpoints", "refused.safetensors")));
    }

    [Theory]
    [InlineData("""{"url":"http://x.example/m.safetensors","model_type":"nope"}""", "model_type", "must be one of checkpoints, ")]
    [InlineData("""{"url":"ftp://x.example/m.safetensors","model_type":"vae"}""", "url", "must be an absolute http, https or s3 URL")]
    [InlineData("""{"model_type":"vae"}""", "url", "is required and must be a string")]
    [InlineData("""{"url":"http://x.example/m.safetensors"}""", "model_type", "is required and must be a string")]
    [InlineData("""{"url":"http://x.example/m.safetensors","model_type":"vae","filename":"../../etc/passwd"}""", "filename", "must be a plain file name")]
    [InlineData("""{"url":"http://x.example/","model_type":"vae"}""", "filename", "is required: the URL does not end in a usable file name")]
    [InlineData("""{"url":"http://x.example/m.safetensors","model_type":"vae","wait":"yes"}""", "wait", "must be a boolean")]
    [InlineData("""{"url":"http://x.example/m.safetensors","model_type":"vae","auth":{"type":"s3"}}""", "auth.access_key_id", "is required and must be a non-empty string")]
    [InlineData("""{"url":"http://10.1.2.3/m.safetensors","model_type":"vae"}""", "url", "the URL is not allowed: ")]
    [InlineData("""{"url":"http://127.0.0.1:9/m.safetensors","model_type":"vae"}""", "url", "the URL is not allowed: ")]
    [InlineData("""[1]""", "body", "must be a JSON object")]
    [InlineData("""{"url":""", "body", "must be a JSON object")]
    public async Task Bad_requests_are_400s_naming_the_field(string json, string field, string messageStart)
    {
        using var response = await _api.PostAsync("/download", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.StartsWith(messageStart, (string?)errors[field]![0]);
    }

    [Fact]
    public async Task A_checkpoint_url_in_a_graph_is_downloaded_to_its_cache_name_then_run()
    {
        var url = fixture.Url($"/bearer/ckpt-{Guid.NewGuid():N}.safetensors").ToString();
        var cacheName = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(url))).Replace('+', '-').Replace('/', '_')[..32] + ".safetensors";
        var graph = TestGraphs.Flux(width: 256, height: 256, steps: 1);
        graph["30"]!["inputs"]!["ckpt_name"] = url;

        var (status, text) = await PostPromptAsync(graph, url);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(cacheName, (string?)JsonNode.Parse(text)!["prompt"]!["30"]!["inputs"]!["ckpt_name"]);
        var path = Path.Combine(fixture.ModelsDirectory, "checkpoints", cacheName);
        Assert.Equal(CredentialsApiFixture.Model, await File.ReadAllBytesAsync(path));
        CredentialsTests.AssertNoSecret(text);

        // Cached: a second run does not download again.
        var before = fixture.Files.ReceivedAt(new Uri(url).AbsolutePath).Count;
        var (again, _) = await PostPromptAsync(graph, url);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Equal(before, fixture.Files.ReceivedAt(new Uri(url).AbsolutePath).Count);
    }

    [Fact]
    public async Task A_model_url_that_fails_is_a_400_naming_the_input()
    {
        var graph = TestGraphs.Flux(width: 256, height: 256, steps: 1);
        graph["30"]!["inputs"]!["ckpt_name"] = fixture.Url("/bearer/missing-auth.safetensors").ToString();

        using var response = await _api.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = graph });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!;
        Assert.Equal($"node 30 (CheckpointLoaderSimple) input 'ckpt_name': could not load the model from {fixture.Url("/bearer/missing-auth.safetensors")}: the server answered 401",
            (string?)errors["prompt.30.inputs.ckpt_name"]![0]);
    }

    private async Task<(HttpStatusCode Status, string Text)> PostPromptAsync(JsonObject graph, string url)
    {
        using var response = await _api.PostAsJsonAsync("/prompt", new JsonObject
        {
            ["prompt"] = graph.DeepClone(),
            ["credentials"] = new JsonArray(new JsonObject { ["url_pattern"] = url, ["auth"] = Bearer }),
        });
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode Status, string Text)> PostAsync(JsonObject body)
    {
        using var response = await _api.PostAsJsonAsync("/download", body);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
