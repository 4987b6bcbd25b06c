using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FluxAspire.Bench;

/// <summary>Starts FluxAspire.ComfySim (this build's configuration) on a free loopback port with a throw-away base directory.</summary>
internal sealed class SimulatorLauncher : IAsyncDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
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

    public static async Task<SimulatorLauncher> StartAsync(int stepMs)
    {
        var dll = Path.Combine(RepoRoot(), "FluxAspire.ComfySim", "bin", Configuration, "net10.0", "FluxAspire.ComfySim.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"build the simulator first: dotnet build -c {Configuration} FluxAspire.ComfySim", dll);
        }

        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var baseDirectory = Directory.CreateTempSubdirectory("comfysim-bench-").FullName;
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, "--listen", "127.0.0.1", "--port", port.ToString(), "--base-directory", baseDirectory, "--step-ms", stepMs.ToString() })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"[sim] {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var sim = new SimulatorLauncher(process, new Uri($"http://127.0.0.1:{port}"), baseDirectory);
        await sim.WaitUntilAnsweringAsync();
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

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"the simulator exited with {Process.ExitCode}");
            }

            try
            {
                using var response = await http.GetAsync("/prompt");
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

        throw new TimeoutException("the simulator did not answer within 30 s");
    }

    private static string RepoRoot()
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
