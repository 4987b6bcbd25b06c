using System.ComponentModel;
using System.Diagnostics;

namespace Aspire.Hosting;

/// <summary>Runs one environment check (<c>nvidia-smi -L</c>, <c>docker info</c>) bounded by a timeout.</summary>
internal static class ProbeCommand
{
    /// <summary>How long one check may take unless told otherwise; a daemon that does not answer in time counts as absent.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>(true, stdout) or (false, why, naming the command: not installed, timed out, or its exit code and first line of stderr).</summary>
    public static async Task<(bool Ok, string Output)> RunAsync(
        string command, IReadOnlyList<string> args, TimeSpan timeout, Func<string, string?> findCommand, CancellationToken cancellationToken)
    {
        if (findCommand(command) is not { } path)
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
