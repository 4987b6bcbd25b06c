using FluxAspire.AppHost.Redis;
using Microsoft.Extensions.Configuration;

namespace FluxAspire.Tests.AppHost;

/// <summary>Which Redis the AppHost runs for each mode and probe result (pure logic), and the container runtime probe itself.</summary>
public sealed class RedisHostingChoiceTests
{
    private static readonly ContainerRuntimeProbeResult Answers = new("docker", true, "container runtime 'docker' answers");
    private static readonly ContainerRuntimeProbeResult Silent =
        new("docker", false, "container runtime 'docker' is installed but its engine is not running");

    [Fact]
    public void Auto_takes_the_container_when_a_runtime_answers()
    {
        var choice = Choose(RedisHostingMode.Auto, Answers, server: "/usr/bin/redis-server");

        Assert.Equal(new RedisHostingChoice(RedisHostingMode.Container, "container runtime 'docker' answers"), choice);
    }

    [Fact]
    public void Auto_runs_redis_server_when_no_runtime_answers()
    {
        var choice = Choose(RedisHostingMode.Auto, Silent, server: "/usr/bin/redis-server");

        Assert.Equal(new RedisHostingChoice(RedisHostingMode.Executable,
            "container runtime 'docker' is installed but its engine is not running; running /usr/bin/redis-server", "/usr/bin/redis-server"), choice);
    }

    [Fact]
    public void Auto_goes_without_Redis_when_there_is_neither()
    {
        var choice = Choose(RedisHostingMode.Auto, Silent, server: null);

        Assert.Equal(new RedisHostingChoice(RedisHostingMode.None,
            "container runtime 'docker' is installed but its engine is not running, and redis-server is not on PATH (apt-get install redis-server, or set Redis:ServerPath)"),
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

    [Fact]
    public void Probe_uses_the_runtime_Aspire_uses()
    {
        Assert.Equal("docker", ContainerRuntimeProbe.RuntimeName(Configuration()));
        Assert.Equal("podman", ContainerRuntimeProbe.RuntimeName(Configuration(("DOTNET_ASPIRE_CONTAINER_RUNTIME", "podman"))));
        Assert.Equal("podman", ContainerRuntimeProbe.RuntimeName(Configuration(("ASPIRE_CONTAINER_RUNTIME", "podman"), ("DOTNET_ASPIRE_CONTAINER_RUNTIME", "docker"))));
    }

    [Fact]
    public void Probe_without_the_runtime_cli_says_so()
    {
        var result = ContainerRuntimeProbe.Probe(Configuration(("ASPIRE_CONTAINER_RUNTIME", "no-such-runtime-cli")));

        Assert.Equal(new ContainerRuntimeProbeResult("no-such-runtime-cli", false, "no container runtime ('no-such-runtime-cli' is not on PATH)"), result);
    }

    [Theory]
    [InlineData("exit 0", true, "container runtime '{0}' answers")]
    [InlineData("echo 'Cannot connect to the Docker daemon' >&2; exit 1", false, "container runtime '{0}' is installed but its engine is not running")]
    [InlineData("sleep 20", false, "container runtime '{0}' did not answer within 3 s")]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Probe_asks_the_runtime_for_info_and_gives_up_after_a_short_timeout(string script, bool answers, string detail)
    {
        var dir = Directory.CreateTempSubdirectory("fake-runtime-").FullName;
        try
        {
            var cli = Path.Combine(dir, "fake-docker");
            File.WriteAllText(cli, $"#!/bin/sh\n[ \"$1\" = info ] || exit 2\n{script}\n");
            File.SetUnixFileMode(cli, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            var result = ContainerRuntimeProbe.Probe(Configuration(("ASPIRE_CONTAINER_RUNTIME", cli)));

            Assert.Equal(new ContainerRuntimeProbeResult(cli, answers, string.Format(System.Globalization.CultureInfo.InvariantCulture, detail, cli)), result);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static RedisHostingChoice Choose(RedisHostingMode mode, ContainerRuntimeProbeResult runtime, string? server) =>
        RedisHostingChoice.Choose(new RedisHostOptions { Mode = mode }, isPublishMode: false, () => runtime, _ => server);

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
