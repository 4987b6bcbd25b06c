using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FluxAspire.Bench;

/// <summary>Starts FluxAspire.ComfySim (this build's configuration) on a free loopback port with a throw-away base directory.</summary>
internal sealed class SimulatorLauncher : IAsyncDisposable
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    private readonly string _baseDirectory;

    private SimulatorLauncher(Process process, Uri url, string baseDirectory)
    {
        Process = process;
        Url = url;
        _baseDirectory = baseDirectory;
    }

    public Process Process { get; }
    public Uri Url { get; }
    public string OutputDirectory => Path.Combine(_baseDirectory, "output");
    public string InputDirectory => Path.Combine(_baseDirectory, "input");

    /// <param name="stepMs">The simulator's --step-ms.</param>
    /// <param name="imageKind">Its --image-kind: noise (as large as a real FLUX PNG) or picture.</param>
    public static async Task<SimulatorLauncher> StartAsync(int stepMs, string imageKind)
    {
        var dll = BuildOutput("FluxAspire.ComfySim");
        var port = FreePort();
        var baseDirectory = Directory.CreateTempSubdirectory("comfysim-bench-").FullName;
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, "--listen", "127.0.0.1", "--port", port.ToString(), "--base-directory", baseDirectory, "--step-ms", stepMs.ToString(), "--image-kind", imageKind })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[sim] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var sim = new SimulatorLauncher(process, new Uri($"http://127.0.0.1:{port}"), baseDirectory);
        await WaitUntilAnsweringAsync(process, sim.Url, "/prompt", "the simulator");
        return sim;
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
        try { Directory.Delete(_baseDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>The dll of a project of this repository, built in this build's configuration.</summary>
    public static string BuildOutput(string project)
    {
        var dll = Path.Combine(RepoRoot(), project, "bin", Configuration, "net10.0", project + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build it first: dotnet build -c {Configuration} {project}", dll);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Polls <paramref name="path"/> until it answers 2xx; fails fast when the process exits.</summary>
    public static async Task WaitUntilAnsweringAsync(Process process, Uri url, string path, string what, int seconds = 60)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{what} exited with {process.ExitCode}");
            }

            try
            {
                using var response = await http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{what} did not answer {path} within {seconds} s");
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FluxAspire.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FluxAspire.sln not found above " + AppContext.BaseDirectory);
    }
}
