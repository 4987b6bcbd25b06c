using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Inputs;

namespace FluxAspire.Tests.Api.Credentials;

/// <summary>credentials[] on /prompt and /workflow/*: each auth variant reaches an image-input URL, the secret never
/// comes back (response, webhook, log), a cross-origin redirect loses it, and bad entries are 400s naming the field.</summary>
public sealed class CredentialsTests(CredentialsApiFixture fixture) : IClassFixture<CredentialsApiFixture>
{
    private readonly HttpClient _api = fixture.Api.CreateClient();

    private static readonly string[] Secrets =
        [CredentialsApiFixture.Token, CredentialsApiFixture.Password, CredentialsApiFixture.HeaderValue, CredentialsApiFixture.QueryValue];

    public static TheoryData<string, JsonObject> Variants => new()
    {
        { "bearer", new JsonObject { ["type"] = "bearer", ["token"] = CredentialsApiFixture.Token } },
        { "basic", new JsonObject { ["type"] = "basic", ["username"] = CredentialsApiFixture.User, ["password"] = CredentialsApiFixture.Password } },
        { "header", new JsonObject { ["type"] = "header", ["header_name"] = CredentialsApiFixture.HeaderName, ["header_value"] = CredentialsApiFixture.HeaderValue } },
        { "query", new JsonObject { ["type"] = "query", ["query_param"] = CredentialsApiFixture.QueryParam, ["query_value"] = CredentialsApiFixture.QueryValue } },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Each_auth_variant_is_applied_to_an_image_input_url(string variant, JsonObject auth)
    {
        var id = $"cred-{variant}-{Guid.NewGuid():N}";
        var (status, text) = await PostAsync("/prompt", new JsonObject
        {
            ["id"] = id,
            ["prompt"] = InputsGraphs.LoadAndSave(fixture.Url($"/{variant}/image.png").ToString()),
            ["credentials"] = new JsonArray(
                new JsonObject { ["url_pattern"] = "https://elsewhere.example/**", ["auth"] = new JsonObject { ["type"] = "bearer", ["token"] = "wrong" } },
                new JsonObject { ["url_pattern"] = $"http://{fixture.Files.HostPort}/{variant}/*", ["auth"] = auth }),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var body = JsonNode.Parse(text)!;
        Assert.Equal($"{id}_1.png", (string?)body["prompt"]!["1"]!["inputs"]!["image"]);
        Assert.Null(body["credentials"]);
        AssertNoSecret(text);
    }

    [Fact]
    public async Task Without_a_matching_pattern_no_auth_is_sent_and_the_server_refuses()
    {
        var (status, text) = await PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = InputsGraphs.LoadAndSave(fixture.Url("/bearer/image.png").ToString()),
            ["credentials"] = new JsonArray(new JsonObject
            {
                ["url_pattern"] = $"http://{fixture.Files.HostPort}/basic/**",
                ["auth"] = new JsonObject { ["type"] = "bearer", ["token"] = CredentialsApiFixture.Token },
            }),
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("node 1 (LoadImage) input 'image': could not download the image: the server answered 401",
            (string?)JsonNode.Parse(text)!["errors"]!["prompt.1.inputs.image"]![0]);
        AssertNoSecret(text);
    }

    [Fact]
    public async Task Credentials_are_not_echoed_in_the_202_body_nor_the_webhooks_nor_the_log()
    {
        var id = $"cred-hook-{Guid.NewGuid():N}";
        var (status, text) = await PostAsync("/prompt", new JsonObject
        {
            ["id"] = id,
            ["prompt"] = InputsGraphs.LoadAndSave(fixture.Url("/header/image.png").ToString()),
            ["webhook_v2"] = fixture.Url("/hook/v2").ToString(),
            ["credentials"] = new JsonArray(new JsonObject
            {
                ["url_pattern"] = "http://127.0.0.1:*/**",
                ["auth"] = new JsonObject { ["type"] = "header", ["header_name"] = CredentialsApiFixture.HeaderName, ["header_value"] = CredentialsApiFixture.HeaderValue },
            }),
        });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Null(JsonNode.Parse(text)!["credentials"]);
        AssertNoSecret(text);
        var hook = (await fixture.Files.WaitForAsync("/hook/v2")).Single(h => h.BodyText.Contains(id, StringComparison.Ordinal));
        Assert.Equal("prompt.complete", (string?)JsonNode.Parse(hook.BodyText)!["type"]);
        Assert.Null(JsonNode.Parse(hook.BodyText)!["credentials"]);
        AssertNoSecret(hook.BodyText);
        AssertNoSecret(fixture.Api.Log);
    }

    [Fact]
    public async Task A_redirect_to_another_origin_does_not_carry_the_secret_header()
    {
        var (status, text) = await PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = InputsGraphs.LoadAndSave(fixture.Url("/header/redirect").ToString()),
            ["credentials"] = new JsonArray(new JsonObject
            {
                ["url_pattern"] = "http://127.0.0.1:*/**",
                ["auth"] = new JsonObject { ["type"] = "header", ["header_name"] = CredentialsApiFixture.HeaderName, ["header_value"] = CredentialsApiFixture.HeaderValue },
            }),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        var arrived = fixture.OtherOrigin.ReceivedAt("/elsewhere.png");
        Assert.NotEmpty(arrived);
        Assert.All(arrived, r =>
        {
            Assert.Null(r.Header(CredentialsApiFixture.HeaderName));
            Assert.Null(r.Header("Authorization"));
        });
        AssertNoSecret(text);
    }

    [Fact]
    public async Task A_bearer_redirect_to_another_origin_drops_authorization()
    {
        var (status, _) = await PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = InputsGraphs.LoadAndSave(fixture.Url("/bearer/redirect").ToString()),
            ["credentials"] = new JsonArray(new JsonObject
            {
                ["url_pattern"] = "**",
                ["auth"] = new JsonObject { ["type"] = "bearer", ["token"] = CredentialsApiFixture.Token },
            }),
        });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.All(fixture.OtherOrigin.ReceivedAt("/elsewhere.png"), r => Assert.Null(r.Header("Authorization")));
    }

    [Theory]
    [InlineData("/prompt")]
    [InlineData("/workflow/text2img")]
    public async Task Bad_credentials_are_400s_naming_each_field_without_echoing_secrets(string path)
    {
        var body = path == "/prompt"
            ? new JsonObject { ["prompt"] = InputsGraphs.LoadAndSave("x.png") }
            : new JsonObject { ["input"] = new JsonObject { ["prompt"] = "a cat", ["width"] = 256, ["height"] = 256, ["steps"] = 1 } };
        body["credentials"] = new JsonArray(
            new JsonObject { ["url_pattern"] = "**", ["auth"] = new JsonObject { ["type"] = "s3", ["access_key_id"] = "AK", ["secret_access_key"] = CredentialsApiFixture.Token, ["endpoint"] = "ftp://s3.example" } },
            new JsonObject { ["auth"] = new JsonObject { ["type"] = "basic", ["username"] = "u" } },
            new JsonObject { ["url_pattern"] = "**", ["auth"] = new JsonObject { ["type"] = "header", ["header_name"] = "Bad Name", ["header_value"] = CredentialsApiFixture.HeaderValue } },
            "not an object");

        var (status, text) = await PostAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        Assert.Equal("must be an absolute http or https URL", (string?)errors["credentials[0].auth.endpoint"]![0]);
        Assert.Equal("is required and must be a non-empty glob string (* ? **)", (string?)errors["credentials[1].url_pattern"]![0]);
        Assert.Equal("is required and must be a non-empty string", (string?)errors["credentials[1].auth.password"]![0]);
        Assert.Equal("must be a valid HTTP header name (not Host)", (string?)errors["credentials[2].auth.header_name"]![0]);
        Assert.Equal("must be an object {url_pattern, auth}", (string?)errors["credentials[3]"]![0]);
        AssertNoSecret(text);
    }

    [Fact]
    public async Task Credentials_that_are_not_an_array_are_a_400()
    {
        var (status, text) = await PostAsync("/prompt", new JsonObject { ["prompt"] = InputsGraphs.LoadAndSave("x.png"), ["credentials"] = "token" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("must be an array of {url_pattern, auth}", (string?)JsonNode.Parse(text)!["errors"]!["credentials"]![0]);
    }

    private async Task<(HttpStatusCode Status, string Text)> PostAsync(string path, JsonObject body)
    {
        using var response = await _api.PostAsJsonAsync(path, body);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    internal static void AssertNoSecret(string text)
    {
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{CredentialsApiFixture.User}:{CredentialsApiFixture.Password}")), text, StringComparison.Ordinal);
    }
}
