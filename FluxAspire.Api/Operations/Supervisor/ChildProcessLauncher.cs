using System.Collections.Concurrent;
using System.Diagnostics;

namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>
/// Starts the child so that it never outlives the API. Where util-linux is installed (Debian, Ubuntu and the CUDA
/// images built on them) the command runs as <c>setsid setpriv --pdeathsig KILL -- command args…</c>: both exec in
/// place, so the pid is the command's; setsid gives it its own process group (stopping it reaches whatever it spawned),
/// and PR_SET_PDEATHSIG makes the kernel SIGKILL it when the API dies, even by SIGKILL. Without them the command starts
/// directly and a SIGKILLed API would leave it running.
/// </summary>
internal sealed class ChildProcessLauncher
{
    private readonly BlockingCollection<(Process Process, TaskCompletionSource Started)> _requests = [];

    public ChildProcessLauncher()
        : this(FindOnPath("setsid"), FindOnPath("setpriv"))
    {
    }

    internal ChildProcessLauncher(string? setsid, string? setpriv)
    {
        (Setsid, Setpriv) = (setsid, setpriv);
        // The parent-death signal fires when the *thread* that forked the child ends, and idle thread-pool threads do
        // end; so every child is started from this one thread, which lives as long as the API.
        new Thread(StartRequested) { IsBackground = true, Name = "ComfyUI launcher" }.Start();
    }

    public string? Setsid { get; }

    public string? Setpriv { get; }

    /// <summary>The child leads its own process group and dies with the API.</summary>
    public bool Contained => Setsid is not null && Setpriv is not null;

    /// <param name="cudaVisibleDevices">The GPU of one of several children (ComfyUI:Launch:Instances); null: the API's environment as is.</param>
    public ProcessStartInfo CreateStartInfo(ComfyLaunchOptions options, string? cudaVisibleDevices = null)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // ComfyUI must not read the API's stdin
            UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory ?? "",
        };
        if (Contained)
        {
            info.FileName = Setsid!;
            foreach (var arg in (string[])[Setpriv!, "--pdeathsig", "KILL", "--", options.Command!])
            {
                info.ArgumentList.Add(arg);
            }
        }
        else
        {
            info.FileName = options.Command!;
        }

        foreach (var arg in options.Arguments)
        {
            info.ArgumentList.Add(arg);
        }

        ChildEnvironment.RemoveSecrets(info.Environment);
        if (cudaVisibleDevices is not null)
        {
            info.Environment["CUDA_VISIBLE_DEVICES"] = cudaVisibleDevices;
        }

        return info;
    }

    /// <summary>Starts <paramref name="process"/> (its StartInfo and event handlers set) on the launcher thread.</summary>
    public Task StartAsync(Process process)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((process, started));
        return started.Task;
    }

    private void StartRequested()
    {
        foreach (var (process, started) in _requests.GetConsumingEnumerable())
        {
            try
            {
                process.Start();
                started.SetResult();
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }

    private static string? FindOnPath(string program)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/bin", "/bin", "/usr/sbin", "/sbin"])
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }
}
