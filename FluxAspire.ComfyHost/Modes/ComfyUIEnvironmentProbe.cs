using System.ComponentModel;
using System.Diagnostics;

namespace Aspire.Hosting;

/// <summary>The real checks: <c>nvidia-smi -L</c> and <c>docker info</c> / <c>podman info</c>, each bounded by a short timeout.</summary>
/// <param name="timeout">How long one command may take; a daemon that does not answer in time counts as absent.</param>
/// <param name="findCommand">Maps a command name to its file, or null when absent; a PATH search when not given.</param>
public sealed class ComfyUIEnvironmentProbe(TimeSpan timeout, Func<string, string?>? findCommand = null) : IComfyUIEnvironmentProbe
{
    /// <summary>Probes with a 5 s limit per command.</summary>
    public ComfyUIEnvironmentProbe() : this(TimeSpan.FromSeconds(5))
    {
    }

    /// <inheritdoc />
    public async Task<ProbeResult> FindNvidiaGpuAsync(CancellationToken cancellationToken)
    {
        var (ok, output) = await RunAsync("nvidia-smi", ["-L"], cancellationToken);
        var gpus = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.StartsWith("GPU ", StringComparison.Ordinal)).ToList();
        return ok && gpus.Count > 0
            ? new ProbeResult(true, gpus.Count == 1 ? gpus[0] : $"{gpus.Count} GPUs, {gpus[0]}")
            : new ProbeResult(false, ok ? "nvidia-smi -L listed no GPU" : output);
    }

    /// <inheritdoc />
    public async Task<ProbeResult> FindContainerRuntimeAsync(string? configuredRuntime, CancellationToken cancellationToken)
    {
        var candidates = configuredRuntime is { Length: > 0 }
            ? [configuredRuntime]
            : new[] { ContainerRuntimeName.Docker, ContainerRuntimeName.Podman };
        var failures = new List<string>();
        foreach (var runtime in candidates)
        {
            // podman info has no ServerVersion; its engine version is .Version.Version.
            var format = runtime == ContainerRuntimeName.Podman ? "{{.Version.Version}}" : "{{.ServerVersion}}";
            var (ok, output) = await RunAsync(runtime, ["info", "--format", format], cancellationToken);
            if (ok)
            {
                return new ProbeResult(true, $"{runtime} {output}".Trim());
            }

            failures.Add(output);
        }

        return new ProbeResult(false, string.Join("; ", failures));
    }

    // (true, stdout) or (false, why, naming the command: not installed, timed out, or its exit code and first line of stderr).
    private async Task<(bool Ok, string Output)> RunAsync(string command, string[] args, CancellationToken cancellationToken)
    {
        if ((findCommand ?? ExecutableSearch.Find)(command) is not { } path)
        {
            return (false, $"{command} not found on PATH");
        }

        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var commandLine = $"{command} {string.Join(' ', args)}";
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return (false, $"{command} could not start: {ex.Message}");
        }

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return (false, $"{commandLine} did not answer within {timeout.TotalSeconds:0.#} s");
        }

        if (process.ExitCode == 0)
        {
            return (true, (await stdout).Trim());
        }

        var firstLine = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return (false, $"{commandLine} failed (exit code {process.ExitCode}){(firstLine is null ? "" : $": {firstLine}")}");
    }
}
