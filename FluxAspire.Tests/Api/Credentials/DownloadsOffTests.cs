using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Infrastructure;

namespace FluxAspire.Tests.Api.Credentials;

/// <summary>Without ComfyUI:ModelsDirectory the API cannot write models: /download says so with a 503.</summary>
public sealed class DownloadsOffTests
{
    [Fact]
    public async Task Download_without_a_models_directory_is_a_503_saying_what_to_configure()
    {
        await using var api = await ApiProcess.StartAsync(new Uri("http://127.0.0.1:9/"), new Dictionary<string, string> { ["Warmup__Enabled"] = "false" }, waitForReady: false);
        using var http = api.CreateClient();

        using var response = await http.PostAsJsonAsync("/download", new JsonObject { ["url"] = "https://x.example/m.safetensors", ["model_type"] = "vae" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("model downloads need ComfyUI:ModelsDirectory (ComfyUI's models folder as this API sees it)", (string?)problem!["detail"]);
    }
}
