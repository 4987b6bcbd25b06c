using System.Collections.Concurrent;

namespace Aspire.Hosting;

/// <summary>
/// Does a container runtime answer right now? Aspire itself only finds out when it starts a container, and then hangs or
/// fails after a while when the engine is missing, so ask first: <c>docker info</c> / <c>podman info</c>, each bounded by a
/// short timeout. One instance asks each question once and remembers the answer: the AppHost shares one, so ComfyUI's and
/// Redis's auto modes and the GPU arguments all go by the same answer, and their log lines agree.
/// </summary>
/// <param name="timeout">How long one command may take; a daemon that does not answer in time counts as absent.</param>
/// <param name="findCommand">Maps a command name to its file, or null when absent; <see cref="ExecutableSearch.Find"/> when not given.</param>
public sealed class ContainerRuntimeProbe(TimeSpan timeout, Func<string, string?>? findCommand = null)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ProbeResult>>> _answers = new();

    /// <summary>Probes with a 5 s limit per command.</summary>
    public ContainerRuntimeProbe() : this(ProbeCommand.DefaultTimeout)
    {
    }

    /// <summary>
    /// Whether a container runtime answers: only <paramref name="configuredRuntime"/> when Aspire is told which to use
    /// (<see cref="ContainerRuntimeName.Configured"/>), else docker, then podman. A found result's detail starts with the
    /// runtime's name (<c>docker 27.3.1</c>). Asked once per <paramref name="configuredRuntime"/>; later calls get that answer.
    /// </summary>
    /// <param name="configuredRuntime">The runtime Aspire was told to use, or null.</param>
    /// <param name="cancellationToken">Stops waiting (the check itself ends within the timeout).</param>
    public Task<ProbeResult> FindAsync(string? configuredRuntime, CancellationToken cancellationToken) =>
        _answers.GetOrAdd(configuredRuntime ?? "", _ => new(() => ProbeAsync(configuredRuntime)))
            .Value.WaitAsync(cancellationToken);

    /// <summary>The answer as a log phrase: <c>docker 27.3.1 answered</c>, or <c>no container runtime answered (why)</c>.</summary>
    /// <param name="runtime">What <see cref="FindAsync"/> found.</param>
    public static string Describe(ProbeResult runtime) =>
        runtime.Found ? $"{runtime.Detail} answered" : $"no container runtime answered ({runtime.Detail})";

    // Not cancelled by the first caller: the answer is shared, and the timeout bounds it anyway.
    private async Task<ProbeResult> ProbeAsync(string? configuredRuntime)
    {
        var candidates = configuredRuntime is { Length: > 0 }
            ? [configuredRuntime]
            : new[] { ContainerRuntimeName.Docker, ContainerRuntimeName.Podman };
        var failures = new List<string>();
        foreach (var runtime in candidates)
        {
            // podman info has no ServerVersion; its engine version is .Version.Version.
            var format = runtime == ContainerRuntimeName.Podman ? "{{.Version.Version}}" : "{{.ServerVersion}}";
            var (ok, output) = await ProbeCommand.RunAsync(
                runtime, ["info", "--format", format], timeout, findCommand ?? ExecutableSearch.Find, CancellationToken.None);
            if (ok)
            {
                return new ProbeResult(true, $"{runtime} {output}".Trim());
            }

            failures.Add(output);
        }

        return new ProbeResult(false, string.Join("; ", failures));
    }
}
