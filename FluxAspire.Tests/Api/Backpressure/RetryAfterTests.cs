using FluxAspire.Tests.Api.Integration;
using static FluxAspire.Tests.Api.Backpressure.QueueLimitedRequests;

namespace FluxAspire.Tests.Api.Backpressure;

/// <summary>Its own API (MAX_QUEUE_DEPTH=1), so no other test's jobs teach it their times.</summary>
public sealed class RetryAfterApi() : ApiWithSimulator(["--step-ms", "100"], new()
{
    ["MAX_QUEUE_DEPTH"] = "1",
    ["Warmup__Steps"] = "1",
});

public class RetryAfterTests(RetryAfterApi env) : IClassFixture<RetryAfterApi>
{
    private readonly HttpClient _http = env.Api.CreateClient();

    [Fact]
    public async Task Retry_After_comes_from_the_time_real_jobs_took_not_from_the_one_step_warmup()
    {
        // One real job of 25 steps at 100 ms: about 2.5 s of ComfyUI time, the only sample besides the 0.1 s warmup.
        using (var taught = await _http.PostAsync("/workflow/text2img", Text2Img(steps: 25)))
        {
            Assert.Equal(HttpStatusCode.OK, taught.StatusCode);
        }

        var running = _http.PostAsync("/workflow/text2img", Text2Img(steps: 50));
        var (status, _) = await _http.WaitForReadyAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        using (var refused = await _http.PostAsync("/workflow/text2img", Text2Img(steps: 1)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var seconds = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(seconds, 2, 10); // a warmup-weighted average would say 1
        }

        using var done = await running;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
    }
}
