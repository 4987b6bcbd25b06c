using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// A real FluxAspire.ComfySim process on a free loopback port with its own base directory.
/// Share one per test class (IClassFixture) or collection; start extra ones for tests that kill or reconfigure it.
/// </summary>
public sealed class SimulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private SimulatorProcess(Process process, int port, string baseDirectory)
    {
        _process = process;
        Port = port;
        BaseDirectory = baseDirectory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Port { get; }
    public Uri BaseAddress { get; }
    public string BaseDirectory { get; }
    public string OutputDirectory => Path.Combine(BaseDirectory, "output");
    public string InputDirectory => Path.Combine(BaseDirectory, "input");
    public string TempDirectory => Path.Combine(BaseDirectory, "temp");
    public bool HasExited => _process.HasExited;

    public string Log
    {
        get { lock (_log) { return _log.ToString(); } }
    }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public Uri WebSocketUri(string clientId) => new($"ws://127.0.0.1:{Port}/ws?clientId={clientId}");

    /// <summary>Starts the simulator with extra ComfyUI-style flags (e.g. "--step-ms", "50") and waits until it answers.</summary>
    public static async Task<SimulatorProcess> StartAsync(params string[] extraArgs)
    {
        var port = FreePort.Next();
        var baseDirectory = Directory.CreateTempSubdirectory("comfysim-test-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(RepoPaths.ProjectOutput("FluxAspire.ComfySim", "FluxAspire.ComfySim.dll"));
        foreach (var arg in (string[])["--listen", "127.0.0.1", "--port", port.ToString(), "--base-directory", baseDirectory, .. extraArgs])
        {
            info.ArgumentList.Add(arg);
        }

        var sim = new SimulatorProcess(Process.Start(info)!, port, baseDirectory);
        await sim.WaitUntilAnsweringAsync(TimeSpan.FromSeconds(30));
        return sim;
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGSTOP (kill -STOP): the port stays open but nothing answers, like a hung ComfyUI. Undo with <see cref="Resume"/>.</summary>
    public void Freeze() => Signal(Sigstop);

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Resume() => Signal(Sigcont);

    private void Signal(int signal)
    {
        if (!_process.HasExited) _ = kill(_process.Id, signal);
    }

    private const int Sigstop = 19;
    private const int Sigcont = 18;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Resume();
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try { Directory.Delete(BaseDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var answering = await Eventually.TryUntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"simulator exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                // Any HTTP answer means Kestrel listens with every route mapped (routes are mapped before it starts).
                using var response = await http.GetAsync("/prompt");
                return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }

            return false;
        }, timeout, TimeSpan.FromMilliseconds(100));
        if (answering) return;

        throw new TimeoutException($"simulator did not answer within {timeout}:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) { _log.AppendLine(line); }
    }
}
