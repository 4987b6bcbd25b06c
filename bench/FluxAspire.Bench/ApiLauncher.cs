using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FluxAspire.Bench;

/// <summary>
/// Starts FluxAspire.Api (this build's configuration) as a real process on a free loopback port, in production mode,
/// against a ComfyUI and optionally a Redis, with <see cref="StartupHook"/> loaded so its allocations can be read.
/// </summary>
internal sealed class ApiLauncher : IAsyncDisposable
{
    private readonly Queue<string> _lastLines = new();
    private readonly int _statsPort;

    private ApiLauncher(Process process, Uri url, int statsPort)
    {
        Process = process;
        Url = url;
        _statsPort = statsPort;
    }

    public Process Process { get; }
    public Uri Url { get; }

    /// <summary>The API's last log lines (warnings and errors), for a failure message.</summary>
    public string LastLines
    {
        get { lock (_lastLines) { return string.Join('\n', _lastLines); } }
    }

    /// <param name="redis">host:port of the Redis to share jobs, events, outputs and the cache through; null: all in process.</param>
    /// <param name="moreBackends">More simulators, each a ComfyUI:Backends entry of this one API (one per pretend GPU).</param>
    public static async Task<ApiLauncher> StartAsync(Uri comfyui, SimulatorLauncher folders, string? redis, IReadOnlyList<SimulatorLauncher>? moreBackends = null)
    {
        var dll = SimulatorLauncher.BuildOutput("FluxAspire.Api");
        var (port, statsPort) = (SimulatorLauncher.FreePort(), SimulatorLauncher.FreePort());
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!, // the content root, where workflows/ is
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["ConnectionStrings__comfyui"] = comfyui.ToString(),
            // Shared folders, as in simulator mode and the one-image deployment: the API deletes each job's files.
            ["ComfyUI__OutputDirectory"] = folders.OutputDirectory,
            ["ComfyUI__InputDirectory"] = folders.InputDirectory,
            ["ConnectionStrings__cache"] = redis,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
            ["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location,
            [StartupHook.PortVariable] = statsPort.ToString(),
        };
        for (var i = 0; i < (moreBackends?.Count ?? 0); i++)
        {
            environment[$"ComfyUI__Backends__{i}"] = moreBackends![i].Url.ToString();
            environment[$"ComfyUI__Backends__{i}__InputDirectory"] = moreBackends[i].InputDirectory;
            environment[$"ComfyUI__Backends__{i}__OutputDirectory"] = moreBackends[i].OutputDirectory;
        }

        foreach (var (key, value) in environment)
        {
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        }

        var api = new ApiLauncher(Process.Start(info)!, new Uri($"http://127.0.0.1:{port}"), statsPort);
        api.Process.OutputDataReceived += (_, e) => api.Remember(e.Data);
        api.Process.ErrorDataReceived += (_, e) => api.Remember(e.Data);
        api.Process.BeginOutputReadLine();
        api.Process.BeginErrorReadLine();
        try
        {
            // Ready once its warmup image has run on ComfyUI.
            await SimulatorLauncher.WaitUntilAnsweringAsync(api.Process, api.Url, "/ready", "the API", seconds: 120);
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            var lines = api.LastLines;
            await api.DisposeAsync();
            throw new InvalidOperationException($"{ex.Message}\n{lines}", ex);
        }

        return api;
    }

    /// <summary>What the API has allocated since it started (all threads, precise), and whether it runs the server GC.</summary>
    public async Task<(long Bytes, int Gen0, int Gen1, int Gen2, bool ServerGc)> ReadAllocationsAsync()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _statsPort);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        var parts = (await reader.ReadLineAsync())!.Split(' ');
        return (long.Parse(parts[0]), int.Parse(parts[1]), int.Parse(parts[2]), int.Parse(parts[3]), bool.Parse(parts[4]));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            if (_lastLines.Count > 30) _lastLines.Dequeue();
        }
    }
}
