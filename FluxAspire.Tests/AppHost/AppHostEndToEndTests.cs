using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using SkiaSharp;

namespace FluxAspire.Tests.AppHost;

/// <summary>The user's first contact, end to end: the AppHost with the simulator, and the recipe's curl.</summary>
[Collection(AppHostCollection.Name)]
public sealed class AppHostEndToEndTests(AppHostFixture fixture)
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Recipe_curl_returns_a_1024_square_png()
    {
        using var api = fixture.CreateApiClient();

        // curl -X POST "$API/workflow/text2img" -d '{"input": {"prompt": "A beautiful sunset over the ocean"}}' | jq -r '.images[0]' | base64 -d
        using var response = await api.PostAsync("/workflow/text2img", JsonContent.Create(new
        {
            input = new { prompt = "A beautiful sunset over the ocean" },
        }));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}\n{fixture.Logs}");
        using var json = JsonDocument.Parse(body);
        var png = Convert.FromBase64String(json.RootElement.GetProperty("images")[0].GetString()!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], png.Take(8));
        using var codec = SKCodec.Create(new MemoryStream(png));
        Assert.NotNull(codec);
        Assert.Equal(SKEncodedImageFormat.Png, codec.EncodedFormat);
        Assert.Equal((1024, 1024), (codec.Info.Width, codec.Info.Height));
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
    }

    [Fact]
    public async Task Api_becomes_ready_once_comfyui_answers_and_warmup_ran()
    {
        using var api = fixture.CreateApiClient();
        var (status, body) = (default(HttpStatusCode), "");
        await Eventually.TryUntilAsync(async () =>
        {
            using var response = await api.GetAsync("/ready");
            (status, body) = (response.StatusCode, await response.Content.ReadAsStringAsync());
            return status == HttpStatusCode.OK;
        }, ReadyDeadline, TimeSpan.FromMilliseconds(250));

        Assert.True(status == HttpStatusCode.OK, $"/ready still {(int)status} after {ReadyDeadline}: {body}\n{fixture.Logs}");
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Health_endpoints_say_healthy(string path)
    {
        using var api = fixture.CreateApiClient();

        using var response = await api.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", json.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Api_process_was_given_the_comfyui_connection_string()
    {
        var expected = await fixture.App.GetConnectionStringAsync("comfyui");
        Assert.NotNull(expected);
        Assert.Matches(@"^Endpoint=http://(localhost|127\.0\.0\.1):\d+$", expected);

        // The environment DCP actually started the API process with.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var api = await fixture.App.ResourceNotifications.WaitForResourceAsync(
            "api", e => e.Snapshot.EnvironmentVariables.Any(v => v.Name == "ConnectionStrings__comfyui"), cts.Token);

        Assert.Equal(expected, api.Snapshot.EnvironmentVariables.Single(v => v.Name == "ConnectionStrings__comfyui").Value);
    }

    [Fact]
    public async Task Simulator_answers_at_its_endpoint_like_ComfyUI()
    {
        using var comfyui = fixture.CreateComfyUIClient();

        using var response = await comfyui.GetAsync("/system_stats");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.TryGetProperty("system", out _), json.RootElement.ToString());
        Assert.True(json.RootElement.TryGetProperty("devices", out _), json.RootElement.ToString());
    }

    [Fact]
    public async Task Simulator_output_reaches_the_resource_logs()
    {
        const string listening = "ComfySim (simulated ComfyUI 0.3.64, no GPU) listening on http://127.0.0.1:";
        await Eventually.TryUntilAsync(() => fixture.Logs.Contains(listening, StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        Assert.Contains(listening, fixture.Logs);
    }
}
