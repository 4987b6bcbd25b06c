using static FluxAspire.Tests.Api.Backpressure.QueueLimitedRequests;

namespace FluxAspire.Tests.Api.Backpressure;

public class OwnQueueBackpressureTests(OwnQueueLimitedApi env) : IClassFixture<OwnQueueLimitedApi>
{
    private readonly HttpClient _http = env.Api.CreateClient();

    [Fact]
    public async Task Jobs_waiting_in_the_apis_own_queue_count_toward_the_limit()
    {
        // Long enough (6 s) that a loaded CI machine still sees both jobs waiting.
        var first = _http.PostAsync("/workflow/text2img", Text2Img(steps: 60));
        var second = _http.PostAsync("/workflow/text2img", Text2Img(steps: 1));

        // One running in ComfyUI (its queue_remaining) and one in ours, held back by Prefetch=1.
        var (status, ready) = await _http.WaitForReadyAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal(["queue is full: 2 jobs queued or running, MAX_QUEUE_DEPTH is 2"], ready["reasons"]!.AsArray().Select(r => (string?)r));
        using (var refused = await _http.PostAsync("/workflow/text2img", Text2Img(steps: 1)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Single(refused.Headers.GetValues("Retry-After"));
        }

        using var firstDone = await first;
        using var secondDone = await second;
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (firstDone.StatusCode, secondDone.StatusCode));
    }
}
