using System.Net.Http.Headers;
using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Operations.Resilience;
using Polly;

namespace FluxAspire.Tests.Api.Resilience;

/// <summary>The "webhooks" pipeline on a fake clock: which outcomes it retries, how long it waits, when it gives up.</summary>
public sealed class WebhookRetryPipelineTests : IDisposable
{
    private readonly ResilienceHost _host = new(new()
    {
        ["Webhooks:RetryDelay"] = "00:00:01",
        ["Webhooks:MaxRetryDelay"] = "00:00:04",
        ["Webhooks:RetryFor"] = "01:00:00",
    });

    private readonly List<(int Attempt, TimeSpan Delay, string Failure)> _retries = [];
    private int _attempts;

    public void Dispose() => _host.Dispose();

    private ResiliencePipeline<HttpResponseMessage> Pipeline => _host.Pipelines.GetPipeline<HttpResponseMessage>(ResiliencePipelines.Webhooks);

    private ValueTask<Outcome<HttpResponseMessage>> DeliverAsync(Func<int, HttpResponseMessage> answer, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteOutcomeAsync(_host.Clock, _ => ValueTask.FromResult(answer(++_attempts)),
            (failed, attempt, delay) => _retries.Add((attempt, delay, WebhookRetry.Describe(failed))), cancellationToken);

    private ValueTask<Outcome<HttpResponseMessage>> DeliverAsync(Func<int, Exception?> fail) =>
        Pipeline.ExecuteOutcomeAsync(_host.Clock, _ =>
            fail(++_attempts) is { } e ? ValueTask.FromException<HttpResponseMessage>(e) : ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.OK)),
            (failed, attempt, delay) => _retries.Add((attempt, delay, WebhookRetry.Describe(failed))), CancellationToken.None);

    private static HttpResponseMessage Answer(HttpStatusCode status, string? retryAfter = null)
    {
        var response = new HttpResponseMessage(status);
        if (retryAfter is not null) response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    }

    [Fact]
    public async Task The_wait_doubles_per_failed_attempt_with_jitter_up_to_MaxRetryDelay()
    {
        var delivery = DeliverAsync(n => Answer(n <= 6 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NoContent)).AsTask();

        var waits = new List<TimeSpan>();
        for (var i = 0; i < 6; i++) waits.Add(await _host.Clock.ElapseNextTimerAsync());
        var outcome = await delivery;

        Assert.Equal(HttpStatusCode.NoContent, outcome.Result!.StatusCode);
        Assert.Equal(7, _attempts);
        // Between half and all of 1, 2, 4, 4, 4, 4 s.
        double[] backoff = [1, 2, 4, 4, 4, 4];
        Assert.All(waits.Zip(backoff), w => Assert.InRange(w.First.TotalSeconds, w.Second / 2, w.Second));
        Assert.Equal([0, 1, 2, 3, 4, 5], _retries.Select(r => r.Attempt));
        // Task.Delay waits whole milliseconds.
        Assert.Equal(waits, _retries.Select(r => TimeSpan.FromMilliseconds(Math.Floor(r.Delay.TotalMilliseconds))));
        Assert.All(_retries, r => Assert.Equal("HTTP 503", r.Failure));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task Retry_After_in_seconds_is_the_wait(HttpStatusCode status)
    {
        var delivery = DeliverAsync(n => n == 1 ? Answer(status, "7") : Answer(HttpStatusCode.OK)).AsTask();

        Assert.Equal(TimeSpan.FromSeconds(7), await _host.Clock.ElapseNextTimerAsync());
        Assert.Equal(HttpStatusCode.OK, (await delivery).Result!.StatusCode);
    }

    [Fact]
    public async Task Retry_After_as_a_date_waits_until_then()
    {
        var at = _host.Clock.GetUtcNow() + TimeSpan.FromSeconds(90);
        var delivery = DeliverAsync(n => n == 1 ? Answer(HttpStatusCode.TooManyRequests, at.ToString("R")) : Answer(HttpStatusCode.OK)).AsTask();

        Assert.Equal(TimeSpan.FromSeconds(90), await _host.Clock.ElapseNextTimerAsync());
        Assert.Equal(HttpStatusCode.OK, (await delivery).Result!.StatusCode);
    }

    [Fact]
    public async Task It_gives_up_when_the_next_wait_would_end_after_RetryFor()
    {
        using var host = new ResilienceHost(new() { ["Webhooks:RetryFor"] = "00:00:10" });
        var attemptsAt = new List<TimeSpan>();
        var start = host.Clock.GetUtcNow();
        var delivery = host.Pipelines.GetPipeline<HttpResponseMessage>(ResiliencePipelines.Webhooks).ExecuteOutcomeAsync(host.Clock, _ =>
        {
            attemptsAt.Add(host.Clock.GetUtcNow() - start);
            return ValueTask.FromResult(Answer(HttpStatusCode.ServiceUnavailable, "4"));
        }, null, CancellationToken.None).AsTask();

        await host.Clock.ElapseNextTimerAsync();
        await host.Clock.ElapseNextTimerAsync();
        var outcome = await delivery;

        // At 8 s a wait of 4 s would end at 12 s, past RetryFor: the last answer is the outcome, nothing is waited on.
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)], attemptsAt);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, outcome.Result!.StatusCode);
        Assert.False(host.Clock.HasPendingTimer);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Gone)]
    public async Task Success_and_other_4xx_are_final(HttpStatusCode status)
    {
        var outcome = await DeliverAsync(_ => Answer(status, "1"));

        Assert.Equal(status, outcome.Result!.StatusCode);
        Assert.Equal(1, _attempts);
        Assert.Empty(_retries);
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task Timeouts_and_5xx_are_retried(HttpStatusCode status)
    {
        var delivery = DeliverAsync(n => Answer(n == 1 ? status : HttpStatusCode.OK)).AsTask();

        await _host.Clock.ElapseNextTimerAsync();

        Assert.Equal(HttpStatusCode.OK, (await delivery).Result!.StatusCode);
        Assert.Equal(2, _attempts);
    }

    [Fact]
    public async Task Network_errors_and_timeouts_are_retried()
    {
        var delivery = DeliverAsync(n => n switch
        {
            1 => new HttpRequestException("Connection refused"),
            2 => new TaskCanceledException("HttpClient.Timeout"),
            _ => null,
        }).AsTask();

        await _host.Clock.ElapseNextTimerAsync();
        await _host.Clock.ElapseNextTimerAsync();

        Assert.Equal(HttpStatusCode.OK, (await delivery).Result!.StatusCode);
        Assert.Equal(3, _attempts);
        Assert.Equal(["Connection refused", "timed out"], _retries.Select(r => r.Failure));
    }

    [Fact]
    public async Task A_refused_receiver_is_not_retried()
    {
        var outcome = await DeliverAsync(_ => new OutboundUrlRefusedException(new Uri("http://169.254.169.254/"), "metadata"));

        Assert.IsType<OutboundUrlRefusedException>(outcome.Exception);
        Assert.Equal(1, _attempts);
    }

    [Fact]
    public async Task Shutdown_during_a_wait_ends_the_delivery_at_once()
    {
        using var stopping = new CancellationTokenSource();
        var delivery = DeliverAsync(_ => Answer(HttpStatusCode.ServiceUnavailable), stopping.Token).AsTask();

        await _host.Clock.NextTimerAsync();
        await stopping.CancelAsync();
        var outcome = await delivery;

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Exception);
        Assert.False(WebhookRetry.IsRetryable(outcome, stopping.Token));
        Assert.Equal(1, _attempts);
    }

    [Fact]
    public void The_log_says_what_failed()
    {
        Assert.Equal("HTTP 503", WebhookRetry.Describe(Outcome.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable))));
        Assert.Equal("timed out", WebhookRetry.Describe(Outcome.FromException<HttpResponseMessage>(new TaskCanceledException())));
        Assert.Equal("Connection refused", WebhookRetry.Describe(Outcome.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused"))));
    }

    [Fact]
    public async Task Polly_logs_its_own_events_of_the_pipeline_at_Debug_only()
    {
        var delivery = DeliverAsync(n => Answer(n == 1 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)).AsTask();
        await _host.Clock.ElapseNextTimerAsync();
        await delivery;

        var polly = _host.Logs.All.Where(r => r.Category == "Polly").ToList();
        Assert.NotEmpty(polly);
        Assert.All(polly, r => Assert.True(r.Level <= Microsoft.Extensions.Logging.LogLevel.Debug, $"{r.Level}: {r.Message}"));
    }
}
