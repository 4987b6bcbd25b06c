using FluxAspire.Api.Operations.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FluxAspire.Tests.Redis;

/// <summary>The verdict on Redis and its reasons (pure logic; the monitor that feeds it is covered by ApiRedisOutageTests).</summary>
public sealed class RedisAvailabilityTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 2, 12, 1, 2, TimeSpan.Zero));
    private readonly RecordingLogger _log = new();

    [Fact]
    public void Starts_unavailable_while_connecting()
    {
        var redis = Create("127.0.0.1:6390");

        Assert.True(redis.IsConfigured);
        Assert.False(redis.IsAvailable);
        Assert.Equal("Redis at 127.0.0.1:6390: connecting", redis.Reason);
        Assert.Equal(RedisTrouble.Connecting, redis.Current.Trouble);
    }

    [Fact]
    public void Unreachable_keeps_the_time_it_went_down_while_it_stays_down()
    {
        var redis = Create("127.0.0.1:6390");
        redis.ReportAvailable();

        redis.ReportUnreachable();
        _clock.Advance(TimeSpan.FromSeconds(30));
        redis.ReportUnreachable();

        Assert.False(redis.IsAvailable);
        Assert.Equal("Redis unreachable at 127.0.0.1:6390 since 12:01:02 UTC (reconnecting)", redis.Reason);
        Assert.Equal(_clock.Start, redis.Current.Since);
    }

    [Fact]
    public void Slow_and_error_reasons_say_what_was_seen()
    {
        var redis = Create("127.0.0.1:6390");

        redis.ReportSlow("PING 2300 ms");
        Assert.Equal("Redis slow: PING 2300 ms", redis.Reason);
        Assert.Equal(RedisTrouble.Slow, redis.Current.Trouble);

        redis.ReportError("LOADING Redis is loading the dataset in memory");
        Assert.Equal("Redis at 127.0.0.1:6390 answers with an error: LOADING Redis is loading the dataset in memory", redis.Reason);
    }

    [Fact]
    public void Each_change_is_logged_and_raised_once_and_repeats_are_not()
    {
        var redis = Create("127.0.0.1:6390");
        var changes = new List<RedisVerdict>();
        redis.Changed += changes.Add;

        redis.ReportAvailable();
        redis.ReportAvailable();
        redis.ReportUnreachable();
        redis.ReportUnreachable();
        _clock.Advance(TimeSpan.FromSeconds(5));
        redis.ReportAvailable();
        redis.ReportSlow("PING 1200 ms");
        redis.ReportSlow("PING 1300 ms");

        Assert.Equal([true, false, true, false], changes.Select(c => c.IsAvailable));
        Assert.Equal(
        [
            (LogLevel.Information, "Redis connected at 127.0.0.1:6390"),
            (LogLevel.Warning, "Redis unreachable at 127.0.0.1:6390 since 12:01:02 UTC (reconnecting); the API goes on without it (cache skipped, jobs in this process)"),
            (LogLevel.Information, "Redis available again at 127.0.0.1:6390 after 00:00:05"),
            (LogLevel.Warning, "Redis slow: PING 1200 ms; the API goes on without it (cache skipped, jobs in this process)"),
        ], _log.Entries);
        Assert.Equal("Redis slow: PING 1300 ms", redis.Reason);
    }

    [Fact]
    public async Task WaitUntilAvailable_completes_when_Redis_comes_back_and_waits_again_after_it_goes()
    {
        var redis = Create("127.0.0.1:6390");
        var first = redis.WaitUntilAvailableAsync(CancellationToken.None);
        Assert.False(first.IsCompleted);

        redis.ReportAvailable();
        await first.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(redis.WaitUntilAvailableAsync(CancellationToken.None).IsCompleted);

        redis.ReportUnreachable();
        var second = redis.WaitUntilAvailableAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);
        redis.ReportAvailable();
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Without_Redis_it_stays_not_configured_whatever_is_reported()
    {
        var redis = Create(endpoint: null);

        redis.ReportAvailable();

        Assert.False(redis.IsConfigured);
        Assert.False(redis.IsAvailable);
        Assert.Equal(RedisTrouble.NotConfigured, redis.Current.Trouble);
        Assert.Equal(
            "No Redis configured (ConnectionStrings:cache): jobs and the result cache live in this process only; run a single replica.",
            redis.Reason);
        Assert.Throws<InvalidOperationException>(() => { _ = redis.WaitUntilAvailableAsync(CancellationToken.None); });
        Assert.Empty(_log.Entries);
    }

    [Theory]
    [InlineData("127.0.0.1:6390", "127.0.0.1:6390")]
    [InlineData("localhost:44821,password=s3cret-Pa55", "localhost:44821")]
    [InlineData("redis-a:7000,redis-b,abortConnect=false,password=s3cret-Pa55", "redis-a:7000,redis-b:6379")]
    public void Endpoints_are_described_without_the_password(string connectionString, string expected)
    {
        Assert.Equal(expected, RedisServiceCollectionExtensions.DescribeEndpoints(connectionString));
    }

    [Fact]
    public void A_connection_string_with_an_unknown_option_fails_without_echoing_the_password()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            RedisServiceCollectionExtensions.DescribeEndpoints("localhost:6379,password=s3cret-Pa55,bogus=1"));

        Assert.StartsWith("ConnectionStrings:cache is not a valid Redis connection string", error.Message);
        Assert.DoesNotContain("s3cret-Pa55", error.Message);
    }

    private RedisAvailability Create(string? endpoint) => new(endpoint, _clock, _log);

    private sealed class RecordingLogger : ILogger<RedisAvailability>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
