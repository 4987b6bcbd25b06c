using Aspire.Hosting;
using FluxAspire.AppHost.Redis;
using Microsoft.Extensions.Configuration;

namespace FluxAspire.Tests.AppHost;

/// <summary>Which Redis the AppHost runs for each mode and probe result (pure logic); the probe itself is <see cref="ComfyHost.ContainerRuntimeProbeTests"/>.</summary>
public sealed class RedisHostingChoiceTests
{
    private static readonly ProbeResult Answers = new(true, "docker 27.3.1");
    private static readonly ProbeResult Silent = new(false, "docker info --format {{.ServerVersion}} failed (exit code 1): Cannot connect to the Docker daemon; podman not found on PATH");

    [Fact]
    public void Auto_takes_the_container_when_a_runtime_answers()
    {
        var choice = Choose(RedisHostingMode.Auto, Answers, server: "/usr/bin/redis-server");

        Assert.Equal(new RedisHostingChoice(RedisHostingMode.Container, "docker 27.3.1 answered"), choice);
    }

    [Fact]
    public void Auto_runs_redis_server_when_no_runtime_answers()
    {
        var choice = Choose(RedisHostingMode.Auto, Silent, server: "/usr/bin/redis-server");

        Assert.Equal(new RedisHostingChoice(RedisHostingMode.Executable,
            "no container runtime answered (docker info --format {{.ServerVersion}} failed (exit code 1): Cannot connect to the Docker daemon; " +
            "podman not found on PATH); running /usr/bin/redis-server", "/usr/bin/redis-server"), choice);
    }

    [Fact]
    public void Auto_goes_without_Redis_when_there_is_neither()
    {
        var choice = Choose(RedisHostingMode.Auto, Silent, server: null);

        Assert.Equal(new RedisHostingChoice(RedisHostingMode.None,
            "no container runtime answered (docker info --format {{.ServerVersion}} failed (exit code 1): Cannot connect to the Docker daemon; " +
            "podman not found on PATH), and redis-server is not on PATH (apt-get install redis-server, or set Redis:ServerPath)"),
            choice);
    }

    [Theory]
    [InlineData(RedisHostingMode.Container, RedisHostingMode.Container)]
    [InlineData(RedisHostingMode.Executable, RedisHostingMode.Executable)]
    [InlineData(RedisHostingMode.None, RedisHostingMode.None)]
    public void An_explicit_mode_wins_and_does_not_probe_for_a_container_runtime(RedisHostingMode configured, RedisHostingMode expected)
    {
        var choice = RedisHostingChoice.Choose(new RedisHostOptions { Mode = configured }, isPublishMode: false,
            () => throw new InvalidOperationException("probed"), _ => "/usr/bin/redis-server");

        Assert.Equal(expected, choice.Mode);
    }

    [Theory]
    [InlineData(RedisHostingMode.Auto)]
    [InlineData(RedisHostingMode.Executable)]
    [InlineData(RedisHostingMode.None)]
    public void Publishing_always_takes_the_container(RedisHostingMode configured)
    {
        var choice = RedisHostingChoice.Choose(new RedisHostOptions { Mode = configured }, isPublishMode: true,
            () => throw new InvalidOperationException("probed"), _ => null);

        Assert.Equal(RedisHostingMode.Container, choice.Mode);
    }

    [Fact]
    public void Executable_mode_without_the_server_fails_with_what_to_do()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RedisHostingChoice.Choose(
            new RedisHostOptions { Mode = RedisHostingMode.Executable, ServerPath = "/opt/nope/redis-server" }, false, () => Answers, _ => null));

        Assert.Equal("Redis:Mode is executable, but Redis:ServerPath '/opt/nope/redis-server' does not exist", error.Message);
    }

    [Fact]
    public void Options_read_mode_and_server_path_case_insensitively()
    {
        var options = RedisHostOptions.From(Configuration(("Redis:Mode", "Executable"), ("Redis:ServerPath", "/x/redis-server")));

        Assert.Equal((RedisHostingMode.Executable, "/x/redis-server"), (options.Mode, options.ServerPath));
        Assert.Equal((RedisHostingMode.Auto, (string?)null), (RedisHostOptions.From(Configuration()).Mode, RedisHostOptions.From(Configuration()).ServerPath));
    }

    private static RedisHostingChoice Choose(RedisHostingMode mode, ProbeResult runtime, string? server) =>
        RedisHostingChoice.Choose(new RedisHostOptions { Mode = mode }, isPublishMode: false, () => runtime, _ => server);

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
