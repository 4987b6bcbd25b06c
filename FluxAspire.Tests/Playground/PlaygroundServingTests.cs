using System.Text.RegularExpressions;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Playground;

/// <summary>How the API serves the playground's files: / redirects, each file with its type and a same-origin-only CSP,
/// nothing referenced from elsewhere, unknown files 404.</summary>
public sealed partial class PlaygroundServingTests(ApiWithSimulator env) : IClassFixture<ApiWithSimulator>
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = env.Api.BaseAddress };

    [Fact]
    public async Task The_root_redirects_to_the_playground()
    {
        using var response = await _http.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/playground/", response.Headers.Location?.ToString());
    }

    [Theory]
    [InlineData("/playground/", "text/html")]
    [InlineData("/playground", "text/html")]
    [InlineData("/playground/playground.js", "text/javascript")]
    [InlineData("/playground/playground.css", "text/css")]
    public async Task Each_file_comes_with_its_type_and_a_same_origin_content_security_policy(string path, string type)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("default-src 'self';", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task The_page_loads_nothing_from_another_origin()
    {
        foreach (var path in new[] { "/playground/", "/playground/playground.js", "/playground/playground.css" })
        {
            var text = await _http.GetStringAsync(path);
            Assert.DoesNotMatch(ExternalReference(), text);
        }
    }

    [Theory]
    [InlineData("/playground/missing.js")]
    [InlineData("/playground/playground.exe")]
    [InlineData("/playground/..%2Fappsettings.json")]
    public async Task An_unknown_file_is_a_404(string path) =>
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(path)).StatusCode);

    [Fact]
    public async Task Playground_Enabled_false_turns_the_page_and_the_redirect_off()
    {
        await using var api = await ApiProcess.StartAsync(env.Simulator.BaseAddress, new Dictionary<string, string> { ["Playground__Enabled"] = "false" });
        using var http = api.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/playground/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
    }

    // src/href/url()/import/fetch of an absolute http(s) or protocol-relative URL.
    [GeneratedRegex("""(src|href)\s*=\s*["']\s*(https?:)?//|url\(\s*["']?(https?:)?//|import\s+[^;]*["'](https?:)?//|fetch\(\s*["'](https?:)?//""")]
    private static partial Regex ExternalReference();
}
