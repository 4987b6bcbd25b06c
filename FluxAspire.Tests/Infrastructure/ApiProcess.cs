using System.Diagnostics;
using System.Text;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// The real FluxAspire.Api process on a free loopback port, pointed at a ComfyUI (normally a <see cref="SimulatorProcess"/>)
/// through ConnectionStrings__comfyui, exactly as it runs standalone.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ApiProcess(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get { lock (_log) { return _log.ToString(); } }
    }

    public HttpClient CreateClient(TimeSpan? timeout = null) => new() { BaseAddress = BaseAddress, Timeout = timeout ?? TimeSpan.FromSeconds(60) };

    /// <summary>Starts the API against <paramref name="comfyui"/> with extra configuration as environment variables
    /// (e.g. "Jobs__Timeout" = "00:00:05"), and waits until it listens, or until GET /ready says 200.</summary>
    public static async Task<ApiProcess> StartAsync(Uri comfyui, IReadOnlyDictionary<string, string>? environment = null, bool waitForReady = true)
    {
        var port = FreePort.Next();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var dll = RepoPaths.ProjectOutput("FluxAspire.Api", "FluxAspire.Api.dll");
        info.WorkingDirectory = Path.GetDirectoryName(dll)!; // the content root, where appsettings.json is
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["ConnectionStrings__comfyui"] = comfyui.ToString();
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
        // Tests that are not about the result cache expect every request to reach ComfyUI; cache tests turn it on.
        info.Environment["Cache__Enabled"] = "false";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var api = new ApiProcess(Process.Start(info)!, port);
        await api.WaitAsync(waitForReady ? "/ready" : "/alive", TimeSpan.FromSeconds(60));
        return api;
    }

    public int ProcessId => _process.Id;

    /// <summary>SIGTERM, as an orchestrator stops a replica: the API drains, then exits.</summary>
    public void Terminate()
    {
        if (!_process.HasExited) _ = kill(_process.Id, 15);
    }

    /// <summary>SIGKILL, as a node vanishing: no drain, no goodbye.</summary>
    public void KillNow()
    {
        if (!_process.HasExited) _ = kill(_process.Id, 9);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(3) };
        var last = "no answer";
        var answered = await Eventually.TryUntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // drains stdout/stderr, so the log holds the reason it exited
                throw new InvalidOperationException($"the API exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                using var response = await http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }

            return false;
        }, timeout, TimeSpan.FromMilliseconds(100));
        if (answered) return;

        throw new TimeoutException($"GET {path} did not answer 200 within {timeout} (last: {last}):\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) { _log.AppendLine(line); }
    }
}
