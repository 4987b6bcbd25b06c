using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FluxAspire.Bench;

/// <summary>
/// Starts redis-server (from PATH) on a free loopback port, configured as the AppHost runs it (append-only file, no
/// snapshots), in a throw-away folder.
/// </summary>
internal sealed class RedisLauncher : IAsyncDisposable
{
    private readonly string _directory;

    private RedisLauncher(Process process, int port, string directory)
    {
        Process = process;
        Port = port;
        _directory = directory;
    }

    public Process Process { get; }
    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisLauncher> StartAsync()
    {
        var port = SimulatorLauncher.FreePort();
        var directory = Directory.CreateTempSubdirectory("redis-bench-").FullName;
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", directory, "--appendonly", "yes", "--save", "" })
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not on PATH (Debian: apt-get install redis-server)", ex);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var redis = new RedisLauncher(process, port, directory);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await redis.TryCommandAsync("PING") != "+PONG")
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await redis.DisposeAsync();
                throw new InvalidOperationException("redis-server did not answer PING");
            }

            await Task.Delay(100);
        }

        return redis;
    }

    /// <summary>Empties Redis between levels, so each starts with no jobs or cache entries.</summary>
    public async Task FlushAsync()
    {
        if (await TryCommandAsync("FLUSHALL") != "+OK")
        {
            throw new InvalidOperationException("redis FLUSHALL failed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            await Process.WaitForExitAsync();
        }

        Process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>One inline command; its first reply line, or null when Redis does not answer.</summary>
    private async Task<string?> TryCommandAsync(string command)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return await reader.ReadLineAsync();
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
