using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Api.Integration;

/// <summary>ComfyUI absent or dying: requests end quickly with a clear 503, never hang.</summary>
public class ApiOutageTests
{
    [Fact]
    public async Task ComfyUI_down_at_request_time_is_a_fast_503_and_not_ready()
    {
        var nobody = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var api = await ApiProcess.StartAsync(nobody, waitForReady: false);
        using var http = api.CreateClient();
        var clock = Stopwatch.StartNew();

        using var text2img = await http.PostAsJsonAsync("/workflow/text2img", JsonNode.Parse("""{"input": {"prompt": "p"}}"""));
        using var prompt = await http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux() });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, text2img.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, prompt.StatusCode);
        Assert.Equal("ComfyUI is unavailable", (string?)JsonNode.Parse(await prompt.Content.ReadAsStringAsync())!["title"]);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));

        using var ready = await http.GetAsync("/ready");
        var body = JsonNode.Parse(await ready.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("not ready", (string?)body["status"]);
        Assert.Contains("websocket disconnected", body["reasons"]!.AsArray().Select(r => (string?)r));
        Assert.Contains("ComfyUI is not answering", body["reasons"]!.AsArray().Select(r => (string?)r));
    }

    [Fact]
    public async Task ComfyUI_crashing_mid_job_ends_the_request_with_503_within_its_deadline()
    {
        await using var sim = await SimulatorProcess.StartAsync("--step-ms", "100");
        await using var api = await ApiProcess.StartAsync(sim.BaseAddress, new Dictionary<string, string>
        {
            ["ComfyUI__UnreachableGracePeriod"] = "00:00:02",
            ["Jobs__Timeout"] = "00:00:30",
        });
        using var http = api.CreateClient();
        var clock = Stopwatch.StartNew();

        var request = http.PostAsJsonAsync("/workflow/text2img", JsonNode.Parse("""{"input": {"prompt": "p", "steps": 30, "width": 256, "height": 256}}"""));
        using (var comfy = sim.CreateClient())
        {
            await Eventually.UntilAsync(
                async () => JsonNode.Parse(await comfy.GetStringAsync("/queue"))!["queue_running"]!.AsArray().Count > 0,
                TimeSpan.FromSeconds(10),
                "the job to run on ComfyUI");
        }

        sim.Kill();
        using var response = await request;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ComfyUI is unavailable", (string?)body["title"]);
        Assert.Equal("ComfyUI stopped answering while it was running the prompt", (string?)body["detail"]);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));

        using var ready = await http.GetAsync("/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
