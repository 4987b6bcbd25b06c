using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using static FluxAspire.Tests.Api.Backpressure.QueueLimitedRequests;

namespace FluxAspire.Tests.Api.Backpressure;

public class BackpressureEndpointTests(QueueLimitedApi env) : IClassFixture<QueueLimitedApi>
{
    private readonly HttpClient _http = env.Api.CreateClient();

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = Assert.Single(response.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture), 1, 600);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(429, (int)body["status"]!);
        Assert.Equal("Too many jobs queued", (string?)body["title"]);
        Assert.Equal(1, (int)body["queue_depth"]!);
        Assert.Equal(1, (int)body["max_queue_depth"]!);
        Assert.Equal(retryAfter, body["retry_after"]!.ToJsonString());
        Assert.Equal($"This instance has 1 jobs queued or running (MAX_QUEUE_DEPTH is 1); retry in about {retryAfter} s.", (string?)body["detail"]);
    }

    [Fact]
    public async Task At_the_limit_ready_is_503_and_new_jobs_get_429_until_the_queue_drains()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.WaitForReadyAsync(HttpStatusCode.OK)).Status);

        // 50 steps at 100 ms: about 5 s running (room for a loaded machine), so ComfyUI's queue_remaining is 1.
        var running = _http.PostAsync("/workflow/text2img", Text2Img(steps: 50));
        var (readyStatus, ready) = await _http.WaitForReadyAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
        Assert.Equal("not ready", (string?)ready["status"]);
        Assert.Equal(["queue is full: 1 jobs queued or running, MAX_QUEUE_DEPTH is 1"], ready["reasons"]!.AsArray().Select(r => (string?)r));

        using (var refused = await _http.PostAsync("/workflow/text2img", Text2Img(steps: 1)))
        {
            await AssertRefusedAsync(refused);
        }

        using (var refused = await _http.PostAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(steps: 1) }))
        {
            await AssertRefusedAsync(refused);
        }

        Assert.False(running.IsCompleted, "the first job should still run; the simulator is too fast for this test");
        using (var first = await running)
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var (drainedStatus, drained) = await _http.WaitForReadyAsync(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, drainedStatus);
        Assert.Empty(drained["reasons"]!.AsArray());
        using var accepted = await _http.PostAsync("/workflow/text2img", Text2Img(steps: 1));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_lists_429_for_the_job_endpoints()
    {
        var document = JsonNode.Parse(await _http.GetStringAsync("/openapi/v1.json"))!;

        foreach (var path in new[] { "/prompt", "/workflow/text2img" })
        {
            var refused = document["paths"]![path]!["post"]!["responses"]!["429"];
            Assert.NotNull(refused);
            Assert.NotNull(refused!["content"]!["application/problem+json"]);
        }

        Assert.Null(document["paths"]!["/ready"]!["get"]!["responses"]!["429"]);
    }
}
