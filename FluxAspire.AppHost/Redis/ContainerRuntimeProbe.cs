using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace FluxAspire.AppHost.Redis;

/// <summary>What <see cref="ContainerRuntimeProbe"/> found.</summary>
/// <param name="Runtime">"docker" or "podman" (or whatever ASPIRE_CONTAINER_RUNTIME names).</param>
/// <param name="Answers">The runtime's CLI is installed and its engine answered.</param>
/// <param name="Detail">What was seen, for the log ("container runtime 'docker' is not running").</param>
public sealed record ContainerRuntimeProbeResult(string Runtime, bool Answers, string Detail);

/// <summary>
/// Does the container runtime Aspire would use answer right now? Aspire itself only finds out when it starts a container,
/// and then hangs (run) or fails after 30 s (tests) when the engine is missing, so ask first: the CLI on PATH, then
/// <c>&lt;runtime&gt; info</c> within a short timeout.
/// </summary>
public static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>The runtime Aspire uses: ASPIRE_CONTAINER_RUNTIME (or DOTNET_ASPIRE_CONTAINER_RUNTIME), else docker.</summary>
    public static string RuntimeName(IConfiguration configuration) =>
        configuration["ASPIRE_CONTAINER_RUNTIME"] is { Length: > 0 } aspire ? aspire
        : configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"] is { Length: > 0 } dotnet ? dotnet
        : "docker";

    public static ContainerRuntimeProbeResult Probe(IConfiguration configuration)
    {
        var runtime = RuntimeName(configuration);
        if (FindOnPath(runtime) is not { } cli)
        {
            return new(runtime, false, $"no container runtime ('{runtime}' is not on PATH)");
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(cli, "info")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            // Drained so a chatty CLI cannot block on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return new(runtime, false, $"container runtime '{runtime}' did not answer within {Timeout.TotalSeconds:0} s");
            }

            return process.ExitCode == 0
                ? new(runtime, true, $"container runtime '{runtime}' answers")
                : new(runtime, false, $"container runtime '{runtime}' is installed but its engine is not running");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new(runtime, false, $"container runtime '{runtime}' could not be run: {ex.Message}");
        }
    }

    /// <summary>The full path of <paramref name="file"/> (a name looked up on PATH, or a path), or null.</summary>
    public static string? FindOnPath(string file)
    {
        if (file.Contains(Path.DirectorySeparatorChar))
        {
            return File.Exists(file) ? Path.GetFullPath(file) : null;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, file))
            .FirstOrDefault(File.Exists);
    }
}
