using Aspire.Hosting;
using Microsoft.Extensions.Configuration;

namespace FluxAspire.Tests.ComfyHost;

/// <summary>The one container runtime probe (ComfyUI's and Redis's auto modes, GPU arguments) running stand-in <c>docker</c> and <c>podman</c> scripts.</summary>
public sealed class ContainerRuntimeProbeTests : IDisposable
{
    private const string NoDaemon = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?";
    private readonly StandInCommands _commands = new();

    public void Dispose() => _commands.Dispose();

    [Fact]
    public async Task Docker_answering_info_is_the_runtime()
    {
        _commands.Script("docker", """[ "$1 $2 $3" = "info --format {{.ServerVersion}}" ] || exit 2; echo 27.3.1""");

        var result = await Probe().FindAsync(null, CancellationToken.None);

        Assert.Equal(new ProbeResult(true, "docker 27.3.1"), result);
        Assert.Equal("docker 27.3.1 answered", ContainerRuntimeProbe.Describe(result));
    }

    [Fact]
    public async Task A_docker_without_daemon_falls_back_to_podman()
    {
        _commands.Script("docker", $"""echo "{NoDaemon}" >&2; exit 1""");
        _commands.Script("podman", """[ "$1 $2 $3" = "info --format {{.Version.Version}}" ] || exit 2; echo 5.2.2""");

        Assert.Equal(new ProbeResult(true, "podman 5.2.2"), await Probe().FindAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task No_runtime_answering_lists_each_reason()
    {
        _commands.Script("docker", $"""echo "{NoDaemon}" >&2; exit 1""");

        var result = await Probe().FindAsync(null, CancellationToken.None);

        Assert.Equal(new ProbeResult(false,
            $"docker info --format {{{{.ServerVersion}}}} failed (exit code 1): {NoDaemon}; podman not found on PATH"), result);
        Assert.Equal($"no container runtime answered ({result.Detail})", ContainerRuntimeProbe.Describe(result));
    }

    [Fact]
    public async Task A_hanging_runtime_counts_as_absent_after_the_timeout()
    {
        _commands.Script("docker", "sleep 20");
        var started = DateTime.UtcNow;

        var result = await Probe(TimeSpan.FromMilliseconds(500)).FindAsync("docker", CancellationToken.None);

        Assert.Equal(new ProbeResult(false, "docker info --format {{.ServerVersion}} did not answer within 0.5 s"), result);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_configured_runtime_is_the_only_one_tried()
    {
        var marker = Path.Combine(_commands.Folder, "docker-was-run");
        _commands.Script("docker", $"touch {marker}; echo 27.3.1");
        _commands.Script("podman", "echo 5.2.2");

        var result = await Probe().FindAsync("podman", CancellationToken.None);

        Assert.Equal(new ProbeResult(true, "podman 5.2.2"), result);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_configured_runtime_that_is_not_installed_says_so()
    {
        Assert.Equal(new ProbeResult(false, "no-such-runtime-cli not found on PATH"),
            await Probe().FindAsync("no-such-runtime-cli", CancellationToken.None));
    }

    [Fact]
    public async Task Each_question_is_asked_once_and_its_answer_shared()
    {
        var marker = Path.Combine(_commands.Folder, "docker-runs");
        _commands.Script("docker", $"echo run >> {marker}; echo 27.3.1");
        _commands.Script("podman", $"echo run >> {marker}; echo 5.2.2");
        var probe = Probe();

        var answers = await Task.WhenAll(probe.FindAsync(null, CancellationToken.None), probe.FindAsync(null, CancellationToken.None));
        var podman = await probe.FindAsync("podman", CancellationToken.None);

        Assert.Equal([new ProbeResult(true, "docker 27.3.1"), new ProbeResult(true, "docker 27.3.1")], answers);
        Assert.Equal(new ProbeResult(true, "podman 5.2.2"), podman);
        Assert.Equal(2, File.ReadAllLines(marker).Length);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(null, "podman", "podman")]
    [InlineData("Podman", "docker", "podman")]
    public void The_configured_runtime_is_the_one_Aspire_reads(string? aspire, string? dotnetAspire, string? expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
        [
            new("ASPIRE_CONTAINER_RUNTIME", aspire),
            new("DOTNET_ASPIRE_CONTAINER_RUNTIME", dotnetAspire),
        ]).Build();

        Assert.Equal(expected, ContainerRuntimeName.Configured(configuration));
    }

    private ContainerRuntimeProbe Probe(TimeSpan? timeout = null) => new(timeout ?? TimeSpan.FromSeconds(10), _commands.Find);
}
