using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// A real Debian <c>redis-server</c> on a free loopback port with its own data directory (append-only file fsynced on
/// every write, no RDB snapshots), so a stop and a start again keep the data. test.sh installs redis-server when missing.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly string[] _extraArgs;
    private readonly StringBuilder _log = new();
    private Process _process;

    private RedisServerProcess(int port, string dataDirectory, string[] extraArgs)
    {
        Port = port;
        DataDirectory = dataDirectory;
        _extraArgs = extraArgs;
        _process = Launch();
    }

    public int Port { get; }

    /// <summary>"127.0.0.1:port": the value for ConnectionStrings__cache.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>The server's --dir: holds appendonlydir/ (the AOF), kept across <see cref="StopAsync"/> and
    /// <see cref="StartAgainAsync"/>, deleted on dispose.</summary>
    public string DataDirectory { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The server's own log (stdout and stderr) across every start.</summary>
    public string Log
    {
        get { lock (_log) { return _log.ToString(); } }
    }

    /// <summary>Starts redis-server with extra config flags (e.g. "--maxmemory", "10mb") and waits until PING answers.</summary>
    public static async Task<RedisServerProcess> StartAsync(params string[] extraArgs)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("redis-test-").FullName;
        var redis = new RedisServerProcess(FreePort.Next(), dataDirectory, extraArgs);
        try
        {
            await redis.WaitUntilAnsweringAsync(StartTimeout);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }

        return redis;
    }

    /// <summary>A clean stop (SHUTDOWN, then SIGTERM if that does not answer): the server flushes the AOF and exits.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        try
        {
            // SHUTDOWN closes the connection instead of replying when it succeeds.
            await SendAsync(["SHUTDOWN"], TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException) { }

        if (!await WaitForExitAsync(TimeSpan.FromSeconds(5)))
        {
            Signal(Sigterm);
            if (!await WaitForExitAsync(TimeSpan.FromSeconds(5)))
            {
                throw new TimeoutException($"redis-server on {Port} did not stop:\n{Log}");
            }
        }
    }

    /// <summary>Starts the server again on the same port and data directory (the data written before survives).</summary>
    public async Task StartAgainAsync()
    {
        if (!_process.HasExited)
        {
            throw new InvalidOperationException("redis-server is still running; StopAsync or Kill it first");
        }

        _process.Dispose();
        _process = Launch();
        await WaitUntilAnsweringAsync(StartTimeout);
    }

    /// <summary>SIGKILL: no shutdown work at all (writes acknowledged before are on disk: appendfsync always).</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill();
        _process.WaitForExit();
    }

    /// <summary>SIGSTOP: the port stays open but nothing answers, like a hung or overloaded server. Undo with <see cref="Resume"/>.</summary>
    public void Freeze() => Signal(Sigstop);

    /// <summary>SIGCONT after <see cref="Freeze"/>.</summary>
    public void Resume() => Signal(Sigcont);

    /// <summary>True when the server answers PING with PONG within <paramref name="timeout"/> (default 1 s).</summary>
    public async Task<bool> PingAsync(TimeSpan? timeout = null)
    {
        try
        {
            return await SendAsync(["PING"], timeout ?? TimeSpan.FromSeconds(1)) == "+PONG";
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends one command (e.g. "DBSIZE", "KEYS", "fluxaspire:*") and returns the first line of the raw RESP reply
    /// (e.g. ":3", "+OK", "$5"): enough for checks without a client library.</summary>
    public Task<string> CommandAsync(params string[] command) => SendAsync(command, TimeSpan.FromSeconds(5));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(Sigcont); // a frozen process only dies on SIGKILL too, but be tidy
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private Process Launch()
    {
        var info = new ProcessStartInfo(FindServer())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DataDirectory,
        };
        foreach (var arg in (string[])[
                     "--port", Port.ToString(),
                     "--bind", "127.0.0.1",
                     "--dir", DataDirectory,
                     "--appendonly", "yes",
                     "--appendfsync", "always",
                     "--save", "",
                     "--daemonize", "no",
                     "--logfile", "",
                     .. _extraArgs])
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string FindServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (File.Exists(candidate)) return candidate;
        }

        throw new FileNotFoundException("redis-server is not on PATH; run ./test.sh once (it installs it) or apt-get install -y redis-server");
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        var answered = await Eventually.TryUntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // drains the output, so the log says why
                throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}:\n{Log}");
            }

            return await PingAsync(TimeSpan.FromMilliseconds(500));
        }, timeout);
        if (answered) return;
        throw new TimeoutException($"redis-server on {Port} did not answer PING within {timeout}:\n{Log}");
    }

    private async Task<string> SendAsync(string[] command, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port, cts.Token);
        var stream = client.GetStream();

        var request = new StringBuilder($"*{command.Length}\r\n");
        foreach (var part in command)
        {
            request.Append($"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cts.Token);

        var reply = new StringBuilder();
        var buffer = new byte[1];
        while (await stream.ReadAsync(buffer, cts.Token) == 1)
        {
            if (buffer[0] == '\n') return reply.ToString().TrimEnd('\r');
            reply.Append((char)buffer[0]);
        }

        throw new IOException($"redis-server on {Port} closed the connection (reply so far: '{reply}')");
    }

    private void Signal(int signal)
    {
        if (!_process.HasExited) _ = kill(_process.Id, signal);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) { _log.AppendLine(line); }
    }

    private async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private const int Sigterm = 15;
    private const int Sigstop = 19;
    private const int Sigcont = 18;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
