namespace Aspire.Hosting;

/// <summary>The real checks: <c>nvidia-smi -L</c>, and a <see cref="ContainerRuntimeProbe"/> for <c>docker info</c> / <c>podman info</c>.</summary>
public sealed class ComfyUIEnvironmentProbe : IComfyUIEnvironmentProbe
{
    private readonly TimeSpan _timeout;
    private readonly Func<string, string?> _findCommand;
    private readonly ContainerRuntimeProbe _containerRuntime;

    /// <summary>Probes with a 5 s limit per command.</summary>
    public ComfyUIEnvironmentProbe() : this(ProbeCommand.DefaultTimeout)
    {
    }

    /// <summary>Probes with a 5 s limit per command and takes the container runtime's answer from <paramref name="containerRuntime"/>,
    /// which may already have it (the AppHost's Redis choice asks the same probe).</summary>
    /// <param name="containerRuntime">The container runtime check, shared with whatever else asks it.</param>
    public ComfyUIEnvironmentProbe(ContainerRuntimeProbe containerRuntime) : this(ProbeCommand.DefaultTimeout, null, containerRuntime)
    {
    }

    /// <summary>Probes with <paramref name="timeout"/> per command.</summary>
    /// <param name="timeout">How long one command may take; a daemon that does not answer in time counts as absent.</param>
    /// <param name="findCommand">Maps a command name to its file, or null when absent; a PATH search when not given.</param>
    /// <param name="containerRuntime">The container runtime check; one with the same timeout and search when not given.</param>
    public ComfyUIEnvironmentProbe(TimeSpan timeout, Func<string, string?>? findCommand = null, ContainerRuntimeProbe? containerRuntime = null)
    {
        _timeout = timeout;
        _findCommand = findCommand ?? ExecutableSearch.Find;
        _containerRuntime = containerRuntime ?? new ContainerRuntimeProbe(timeout, findCommand);
    }

    /// <inheritdoc />
    public async Task<ProbeResult> FindNvidiaGpuAsync(CancellationToken cancellationToken)
    {
        var (ok, output) = await ProbeCommand.RunAsync("nvidia-smi", ["-L"], _timeout, _findCommand, cancellationToken);
        var gpus = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("GPU ", StringComparison.Ordinal)).ToList();
        return ok && gpus.Count > 0
            ? new ProbeResult(true, gpus.Count == 1 ? gpus[0] : $"{gpus.Count} GPUs, {gpus[0]}", gpus.Count)
            : new ProbeResult(false, ok ? "nvidia-smi -L listed no GPU" : output);
    }

    /// <inheritdoc />
    public Task<ProbeResult> FindContainerRuntimeAsync(string? configuredRuntime, CancellationToken cancellationToken) =>
        _containerRuntime.FindAsync(configuredRuntime, cancellationToken);
}
