using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// A storage emulator from the npm registry as a real node process on a free loopback port: s3rver (the S3 REST API)
/// or Azurite's blob service. test.sh installs both into the ignored .emulators/ folder; the process and its data
/// directory go away on dispose.
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    /// <summary>s3rver's fixed development keys: it checks every request's SigV4 signature against them.</summary>
    public const string S3AccessKey = "S3RVER";

    public const string S3SecretKey = "S3RVER";

    /// <summary>Azurite's well-known development account.</summary>
    public const string AzuriteAccount = "devstoreaccount1";

    public const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private EmulatorProcess(string name, int port, string dataDirectory, Process process)
    {
        Name = name;
        Port = port;
        DataDirectory = dataDirectory;
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Port { get; }

    public string DataDirectory { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Azurite's connection string (path-style account, as the emulator serves it).</summary>
    /// <summary>An S3 client of the test's own for this s3rver (path-style, its keys), to put inputs and read uploads.</summary>
    public AmazonS3Client CreateS3Client(string region = "us-east-1") => new(new BasicAWSCredentials(S3AccessKey, S3SecretKey), new AmazonS3Config
    {
        ServiceURL = BaseAddress.ToString(),
        AuthenticationRegion = region,
        ForcePathStyle = true,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
    });

    public string AzuriteConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteAccount};AccountKey={AzuriteKey};BlobEndpoint=http://127.0.0.1:{Port}/{AzuriteAccount};";

    public string Log
    {
        get { lock (_log) { return _log.ToString(); } }
    }

    /// <summary>s3rver with the given buckets created at start-up.</summary>
    public static Task<EmulatorProcess> StartS3Async(params string[] buckets)
    {
        var args = new List<string> { "-a", "127.0.0.1", "--no-vhost-buckets" };
        foreach (var bucket in buckets)
        {
            args.Add("--configure-bucket");
            args.Add(bucket);
        }

        return StartAsync("s3rver", port => ["-d", "{data}", "-p", port.ToString(), .. args]);
    }

    /// <summary>Azurite's blob service only, on disk, no telemetry (nothing outside loopback is reachable here anyway).</summary>
    public static Task<EmulatorProcess> StartAzuriteAsync() =>
        StartAsync("azurite-blob", port => ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "-l", "{data}", "--silent",
            "--disableTelemetry", "--skipApiVersionCheck", "--loose"]);

    private static async Task<EmulatorProcess> StartAsync(string tool, Func<int, string[]> arguments)
    {
        var script = Path.Combine(RepoPaths.Root, ".emulators", "node_modules", ".bin", tool);
        if (!File.Exists(script))
        {
            throw new FileNotFoundException($"{tool} is not installed; run ./test.sh once (it installs the storage emulators into .emulators/)", script);
        }

        var data = Directory.CreateTempSubdirectory($"{tool}-test-").FullName;
        var port = FreePort.Next();
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = data,
        };
        info.ArgumentList.Add(script);
        foreach (var arg in arguments(port)) info.ArgumentList.Add(arg == "{data}" ? data : arg);
        var emulator = new EmulatorProcess(tool, port, data, Process.Start(info)!);
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                if (emulator._process.HasExited)
                {
                    emulator._process.WaitForExit();
                    throw new InvalidOperationException($"{tool} exited with {emulator._process.ExitCode}:\n{emulator.Log}");
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return true;
                }
                catch (SocketException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), () => $"{tool} listening on {port}:\n{emulator.Log}");
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }

        return emulator;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) { _log.AppendLine(line); }
    }
}
