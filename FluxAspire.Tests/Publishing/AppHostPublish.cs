using System.Diagnostics;
using System.Text;

namespace FluxAspire.Tests.Publishing;

/// <summary>
/// Runs the AppHost's manifest publishing as a user does:
/// <c>dotnet run --project FluxAspire.AppHost --no-build -- --publisher manifest --output-path &lt;dir&gt;</c>.
/// </summary>
public static class AppHostPublish
{
    public static async Task<PublishedDeployment> RunAsync(string outputPath, params string[] appHostArgs)
    {
        var (exitCode, output) = await RunRawAsync(outputPath, appHostArgs);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"manifest publishing exited with {exitCode}:\n{output}");
        }

        var directory = outputPath.EndsWith(".json", StringComparison.Ordinal) ? Path.GetDirectoryName(outputPath)! : outputPath;
        return new PublishedDeployment(directory);
    }

    /// <summary>The exit code and the combined output, whatever happened.</summary>
    public static async Task<(int ExitCode, string Output)> RunRawAsync(string outputPath, params string[] appHostArgs)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var arg in (string[])["run", "--project", "FluxAspire.AppHost", "--no-build", "-c", Configuration, "--",
                     "--publisher", "manifest", "--output-path", outputPath, .. appHostArgs])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"manifest publishing did not finish in 2 minutes:\n{output}");
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
}
