namespace FluxAspire.Tests.Redis;

/// <summary>The test Redis itself: answers, keeps acknowledged writes across a clean stop and a SIGKILL, and can be frozen.</summary>
public sealed class RedisServerProcessTests
{
    [Fact]
    public async Task Data_survives_a_clean_stop_and_a_kill_on_the_same_port()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        Assert.Equal($"127.0.0.1:{redis.Port}", redis.ConnectionString);
        Assert.Equal("+OK", await redis.CommandAsync("SET", "fluxaspire:test:a", "1"));

        await redis.StopAsync();
        Assert.True(redis.HasExited);
        Assert.False(await redis.PingAsync());

        await redis.StartAgainAsync();
        Assert.Equal("$1", await redis.CommandAsync("GET", "fluxaspire:test:a"));
        Assert.Equal("+OK", await redis.CommandAsync("SET", "fluxaspire:test:b", "2"));

        redis.Kill();
        Assert.False(await redis.PingAsync());
        await redis.StartAgainAsync();
        Assert.Equal(":2", await redis.CommandAsync("DBSIZE"));
    }

    [Fact]
    public async Task A_frozen_server_keeps_its_port_but_does_not_answer_until_resumed()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        redis.Freeze();
        Assert.False(await redis.PingAsync(TimeSpan.FromMilliseconds(300)));
        redis.Resume();
        Assert.True(await redis.PingAsync(TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Dispose_deletes_the_data_directory()
    {
        var redis = await RedisServerProcess.StartAsync();
        var dir = redis.DataDirectory;
        Assert.True(Directory.Exists(Path.Combine(dir, "appendonlydir")));
        await redis.DisposeAsync();
        Assert.False(Directory.Exists(dir));
    }
}
