using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace FluxAspire.Tests.AppHost;

/// <summary>ComfyUI:Mode=external: the AppHost starts no simulator and points the API at a ComfyUI that already runs.</summary>
public sealed class ExternalComfyUITests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Api_serves_the_recipe_request_through_an_existing_ComfyUI()
    {
        await using var comfyui = await SimulatorProcess.StartAsync();
        using var cts = new CancellationTokenSource(Timeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--ComfyUI:Mode=external", $"--ComfyUI:Url={comfyui.BaseAddress}", "--DcpPublisher:WaitForResourceCleanup=false"], cts.Token);
        await using var app = await builder.BuildAsync(cts.Token);

        await app.StartAsync(cts.Token).WaitAsync(Timeout, cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("comfyui", cts.Token).WaitAsync(Timeout, cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(Timeout, cts.Token);

        Assert.Equal($"Endpoint=http://127.0.0.1:{comfyui.Port}", await app.GetConnectionStringAsync("comfyui", cts.Token));
        using var api = app.CreateHttpClient("api", "http");
        api.Timeout = TimeSpan.FromSeconds(60);
        using var response = await api.PostAsync("/workflow/text2img", JsonContent.Create(new
        {
            input = new { prompt = "A beautiful sunset over the ocean", width = 512, height = 256 },
        }), cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}\n{comfyui.Log}");
        using var json = JsonDocument.Parse(body);
        var png = Convert.FromBase64String(json.RootElement.GetProperty("images")[0].GetString()!);
        using var image = SkiaSharp.SKBitmap.Decode(png);
        Assert.Equal((512, 256), (image.Width, image.Height));
    }
}
