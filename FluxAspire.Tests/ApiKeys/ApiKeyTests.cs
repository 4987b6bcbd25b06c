using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.ApiKeys;

/// <summary>A simulator and the API started with Api__Key.</summary>
public sealed class KeyedApiFixture : IAsyncLifetime
{
    public const string Key = "fa-key-7c1e9b52-secret";

    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "5");
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, new Dictionary<string, string>
        {
            ["Api__Key"] = Key,
            ["Warmup__Enabled"] = "false",
            ["Logging__LogLevel__FluxAspire.Api.Operations.ApiKeys"] = "Debug", // so a leak into the refusal log line would show
        });
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
    }
}

public sealed class ApiKeyTests(KeyedApiFixture fixture) : IClassFixture<KeyedApiFixture>
{
    private readonly ApiProcess _api = fixture.Api;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("fa-key-7c1e9b52-secreT")] // same length, last character differs
    [InlineData("fa-key-7c1e9b52")] // a prefix
    [InlineData("FA-KEY-7C1E9B52-SECRET")] // keys are case-sensitive
    [InlineData(KeyedApiFixture.Key + "x")]
    public async Task Requests_without_the_right_key_are_401_problem_details_before_anything_runs(string? presented)
    {
        using var http = _api.CreateClient();
        using var comfy = fixture.Simulator.CreateClient();
        var history = await comfy.GetStringAsync("/history");
        foreach (var request in new[]
        {
            new HttpRequestMessage(HttpMethod.Post, "/prompt") { Content = JsonContent.Create(new JsonObject { ["prompt"] = TestGraphs.Flux() }) },
            new HttpRequestMessage(HttpMethod.Get, "/models"),
            new HttpRequestMessage(HttpMethod.Get, "/no-such-route"), // 401, not 404: the routes are not revealed either
        })
        {
            if (presented is not null) request.Headers.Add("X-Api-Key", presented);
            using var response = await http.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("ApiKey header=\"X-Api-Key\"", response.Headers.WwwAuthenticate.ToString());
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal((401, "Unauthorized", "missing or invalid X-Api-Key"), ((int)problem["status"]!, (string?)problem["title"], (string?)problem["detail"]));
        }

        Assert.Equal(history, await comfy.GetStringAsync("/history")); // nothing reached ComfyUI
        // The API's output reaches the test asynchronously: wait for the refusal line, then check nothing before it leaked.
        await Eventually.UntilAsync(() => _api.Log.Contains("Refused GET /models: missing or invalid X-Api-Key", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), () => $"the API to log the refusal of GET /models:\n{_api.Log}");
        Assert.DoesNotContain("7c1e9b52", _api.Log);
    }

    [Fact]
    public async Task Two_key_headers_are_refused_even_if_one_is_right()
    {
        using var http = _api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/models");
        request.Headers.Add("X-Api-Key", [KeyedApiFixture.Key, "other"]);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_right_key_lets_requests_through()
    {
        using var http = _api.CreateClient();
        http.DefaultRequestHeaders.Add("x-api-key", KeyedApiFixture.Key); // header names are case-insensitive

        using var models = await http.GetAsync("/models");
        using var prompt = await http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1) });

        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal(HttpStatusCode.OK, prompt.StatusCode);
        Assert.Single(JsonNode.Parse(await prompt.Content.ReadAsStringAsync())!["images"]!.AsArray());
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    [InlineData("/ready")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/docs")]
    public async Task Probes_and_docs_need_no_key(string path)
    {
        using var http = _api.CreateClient();

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_declares_the_key_on_the_operations_that_need_it()
    {
        using var http = _api.CreateClient();

        var document = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;

        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal(("apiKey", "header", "X-Api-Key"), ((string?)scheme["type"], (string?)scheme["in"], (string?)scheme["name"]));
        Assert.Equal("""[{"ApiKey":[]}]""", document["paths"]!["/prompt"]!["post"]!["security"]!.ToJsonString());
        Assert.Equal("""[{"ApiKey":[]}]""", document["paths"]!["/workflow/text2img"]!["post"]!["security"]!.ToJsonString());
        Assert.Null(document["paths"]!["/ready"]!["get"]!["security"]);
    }
}

/// <summary>API_KEY, the recipe-style variable, turns the check on as Api__Key does.</summary>
public sealed class ApiKeyEnvironmentVariableTests
{
    [Fact]
    public async Task API_KEY_alone_turns_the_check_on()
    {
        var nobody = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var api = await ApiProcess.StartAsync(nobody, new Dictionary<string, string> { ["API_KEY"] = "env-key-31" }, waitForReady: false);
        using var http = api.CreateClient();

        using var refused = await http.GetAsync("/models");
        http.DefaultRequestHeaders.Add("X-Api-Key", "env-key-31");
        using var admitted = await http.GetAsync("/models");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, admitted.StatusCode); // past the check; ComfyUI is simply not there
        Assert.Contains("API key check on", api.Log);
    }
}
