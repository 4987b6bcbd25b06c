using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Api.Backpressure;

/// <summary>An API limited to one waiting job (the recipe's MAX_QUEUE_DEPTH=1) on a simulator slow enough (100 ms per
/// step) to keep a job running while the test looks.</summary>
public sealed class QueueLimitedApi() : ApiWithSimulator(["--step-ms", "100"], new()
{
    ["MAX_QUEUE_DEPTH"] = "1",
    ["Warmup__Steps"] = "1",
});

/// <summary>MAX_QUEUE_DEPTH=2 with one job at a time handed to ComfyUI, so a second job waits in the API's own queue.</summary>
public sealed class OwnQueueLimitedApi() : ApiWithSimulator(["--step-ms", "100"], new()
{
    ["MAX_QUEUE_DEPTH"] = "2",
    ["Jobs__Prefetch"] = "1",
    ["Warmup__Steps"] = "1",
});

internal static class QueueLimitedRequests
{
    public static Task<HttpResponseMessage> PostAsync(this HttpClient http, string path, JsonObject body) =>
        http.PostAsync(path, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));

    public static JsonObject Text2Img(int steps) =>
        new() { ["input"] = new JsonObject { ["prompt"] = "p", ["width"] = 256, ["height"] = 256, ["steps"] = steps } };

    /// <summary>Polls GET /ready until it answers <paramref name="wanted"/> or 10 s pass; returns the last answer.</summary>
    public static async Task<(HttpStatusCode Status, JsonObject Body)> WaitForReadyAsync(this HttpClient http, HttpStatusCode wanted)
    {
        (HttpStatusCode Status, JsonObject Body) last = default;
        await Eventually.TryUntilAsync(async () =>
        {
            using var response = await http.GetAsync("/ready");
            last = (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
            return last.Status == wanted;
        }, TimeSpan.FromSeconds(10));
        return last;
    }
}
