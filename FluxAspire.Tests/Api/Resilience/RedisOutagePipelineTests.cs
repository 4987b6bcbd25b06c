using FluxAspire.Api.Operations.Resilience;
using Polly;
using StackExchange.Redis;

namespace FluxAspire.Tests.Api.Resilience;

/// <summary>The "redis-outage" pipeline on a fake clock: each call's schedule, what counts as an outage, when it gives up.</summary>
public sealed class RedisOutagePipelineTests : IDisposable
{
    private readonly ResilienceHost _host = new();
    private readonly List<TimeSpan> _attemptsAt = [];
    private readonly List<(string Reason, TimeSpan Delay)> _retries = [];

    public void Dispose() => _host.Dispose();

    private ResiliencePipeline Pipeline => _host.Pipelines.GetPipeline(ResiliencePipelines.RedisOutage);

    private static RedisConnectionException Outage() => new(ConnectionFailureType.UnableToConnect, "No connection is active/available");

    /// <summary>A Redis call that fails with <paramref name="fail"/> (given the attempt, from 1) until it returns null.</summary>
    private Task<int> CallAsync(RedisOutageSchedule schedule, Func<int, Exception?> fail, CancellationToken cancellationToken = default)
    {
        var start = _host.Clock.GetUtcNow();
        return Pipeline.ExecuteAsync(schedule, _host.Clock, _ =>
        {
            _attemptsAt.Add(_host.Clock.GetUtcNow() - start);
            return fail(_attemptsAt.Count) is { } e ? ValueTask.FromException<int>(e) : ValueTask.FromResult(_attemptsAt.Count);
        }, (e, delay) => _retries.Add((e.Message, delay)), cancellationToken).AsTask();
    }

    private async Task<List<TimeSpan>> ElapseAsync(int timers)
    {
        var waits = new List<TimeSpan>();
        for (var i = 0; i < timers; i++) waits.Add(await _host.Clock.ElapseNextTimerAsync());
        return waits;
    }

    public static TheoryData<string, double[]> Schedules => new()
    {
        { nameof(RedisOutageSchedule.CompleteJob), [200, 400, 800, 1600, 3200, 5000, 5000] },
        { nameof(RedisOutageSchedule.EnqueueJob), [100, 200, 400, 800, 1600, 2000, 2000] },
        { nameof(RedisOutageSchedule.Subscribe), [250, 500, 1000, 2000, 4000, 5000, 5000] },
        { nameof(RedisOutageSchedule.WaitForJobEnd), [1000, 1000, 1000, 1000, 1000, 1000, 1000] },
    };

    private static RedisOutageSchedule Named(string name) =>
        (RedisOutageSchedule)typeof(RedisOutageSchedule).GetField(name)!.GetValue(null)!;

    [Theory]
    [MemberData(nameof(Schedules))]
    public async Task Each_call_waits_on_its_own_schedule_until_Redis_answers(string schedule, double[] milliseconds)
    {
        var call = CallAsync(Named(schedule), n => n <= milliseconds.Length ? Outage() : null);

        var waits = await ElapseAsync(milliseconds.Length);

        Assert.Equal(milliseconds.Length + 1, await call);
        Assert.Equal(milliseconds, waits.Select(w => w.TotalMilliseconds));
        Assert.Equal(waits, _retries.Select(r => r.Delay));
        Assert.All(_retries, r => Assert.Equal("No connection is active/available", r.Reason));
    }

    [Fact]
    public async Task Queueing_a_job_gives_up_on_the_first_failure_30_s_after_the_call_started()
    {
        var call = CallAsync(RedisOutageSchedule.EnqueueJob, _ => Outage());

        // 0, 0.1, 0.3, 0.7, 1.5, 3.1 s, then every 2 s: the failure at 29.1 s is retried, the one at 31.1 s is final.
        await _host.Clock.ElapseTimersUntilAsync(call);

        await Assert.ThrowsAsync<RedisConnectionException>(() => call);
        Assert.Equal(TimeSpan.FromSeconds(31.1), _attemptsAt[^1]);
        Assert.Equal(TimeSpan.FromSeconds(29.1), _attemptsAt[^2]);
        Assert.Equal(_attemptsAt.Count - 1, _retries.Count);
    }

    [Fact]
    public async Task Recording_a_jobs_end_is_retried_for_10_minutes()
    {
        var call = CallAsync(RedisOutageSchedule.CompleteJob, _ => Outage());

        await _host.Clock.ElapseTimersUntilAsync(call);

        await Assert.ThrowsAsync<RedisConnectionException>(() => call);
        Assert.InRange(_attemptsAt[^1], TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(5));
        Assert.True(_attemptsAt[^2] < TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task A_waiter_keeps_waiting_through_an_outage_of_any_length()
    {
        var call = CallAsync(RedisOutageSchedule.WaitForJobEnd, n => n <= 1200 ? Outage() : null);

        var waits = await ElapseAsync(1200);

        Assert.Equal(1201, await call);
        Assert.All(waits, w => Assert.Equal(TimeSpan.FromSeconds(1), w));
        Assert.Equal(TimeSpan.FromMinutes(20), _attemptsAt[^1]);
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("io")]
    [InlineData("loading")]
    [InlineData("cancelled-by-the-client")]
    public async Task Every_shape_of_an_outage_is_retried(string shape)
    {
        Exception failure = shape switch
        {
            "timeout" => new RedisTimeoutException("Timeout awaiting response", CommandStatus.Sent),
            "io" => new IOException("Connection reset by peer"),
            "loading" => new RedisServerException("LOADING Redis is loading the dataset in memory"),
            _ => new TaskCanceledException(),
        };
        var call = CallAsync(RedisOutageSchedule.EnqueueJob, n => n == 1 ? failure : null);

        await _host.Clock.ElapseNextTimerAsync();

        Assert.Equal(2, await call);
    }

    [Fact]
    public async Task An_error_Redis_answers_is_not_an_outage_and_is_thrown_at_once()
    {
        var call = CallAsync(RedisOutageSchedule.CompleteJob, _ => new RedisServerException("WRONGTYPE Operation against a key holding the wrong kind of value"));

        await Assert.ThrowsAsync<RedisServerException>(() => call);
        Assert.Single(_attemptsAt);
        Assert.False(_host.Clock.HasPendingTimer);
    }

    [Fact]
    public async Task The_callers_cancellation_ends_the_wait_and_is_not_retried()
    {
        using var cancel = new CancellationTokenSource();
        var call = CallAsync(RedisOutageSchedule.WaitForJobEnd, _ => Outage(), cancel.Token);

        await _host.Clock.NextTimerAsync();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(_attemptsAt);
    }
}
