using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>One run of the child: its output forwarded line by line into the "ComfyUI.Process" log, its exit as a task,
/// and a stop that is SIGTERM to its process group, then SIGKILL after a grace period.</summary>
internal sealed partial class SupervisedProcess : IDisposable
{
    private const int MaxLineLength = 4000;

    private readonly Process _process;
    private readonly bool _ownGroup;
    private readonly ILogger _output;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SupervisedProcess(Process process, bool ownGroup, ILogger output)
    {
        (_process, _ownGroup, _output) = (process, ownGroup, output);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => _exited.TrySetResult();
        process.OutputDataReceived += (_, e) => Forward(e.Data, fromStandardError: false);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, fromStandardError: true);
    }

    public int Id { get; private set; }

    /// <summary>Completes when the process has exited (its output may still be draining).</summary>
    public Task Exited => _exited.Task;

    public int ExitCode => _process.ExitCode;

    public static async Task<SupervisedProcess> StartAsync(ChildProcessLauncher launcher, ComfyInstance instance, ILogger output)
    {
        var process = new Process { StartInfo = launcher.CreateStartInfo(instance.Launch, instance.CudaVisibleDevices) };
        var child = new SupervisedProcess(process, launcher.Contained, output);
        try
        {
            await launcher.StartAsync(process);
        }
        catch
        {
            process.Dispose();
            throw;
        }

        child.Id = process.Id;
        process.StandardInput.Close(); // ComfyUI reads no input: it sees end-of-file, as with </dev/null
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited)
        {
            child._exited.TrySetResult();
        }

        return child;
    }

    /// <summary>SIGTERM, then SIGKILL once <paramref name="grace"/> has passed; returns once the process has exited (or 10 s after SIGKILL).</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!Exited.IsCompleted)
        {
            Signal(PosixSignals.SigTerm);
            try
            {
                await Exited.WaitAsync(grace);
            }
            catch (TimeoutException)
            {
                Signal(PosixSignals.SigKill);
                try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(10)));
            }
        }

        KillLeftovers();
    }

    /// <summary>The exit code, or null while it runs (a process stuck in the kernel survives even SIGKILL for a while).</summary>
    public int? ExitCodeIfExited => Exited.IsCompleted ? _process.ExitCode : null;

    /// <summary>Anything the child spawned that outlived it (still in its process group) is killed too.</summary>
    public void KillLeftovers()
    {
        if (_ownGroup && Id > 0)
        {
            PosixSignals.SendToGroup(Id, PosixSignals.SigKill);
        }
    }

    public void Dispose() => _process.Dispose();

    private void Signal(int signal)
    {
        if (_ownGroup)
        {
            PosixSignals.SendToGroup(Id, signal);
        }
        else
        {
            PosixSignals.Send(Id, signal);
        }
    }

    private void Forward(string? line, bool fromStandardError)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        if (line.Length > MaxLineLength)
        {
            line = string.Concat(line.AsSpan(0, MaxLineLength), "…");
        }

        // ComfyUI writes all of its logging (and tqdm's progress bars) to stderr unless started with --log-stdout, so
        // stderr alone does not mean trouble: only lines that say so are warnings.
        var level = fromStandardError && Trouble().IsMatch(line) ? LogLevel.Warning : LogLevel.Information;
        LogLine(_output, level, line);
    }

    [GeneratedRegex(@"\b(error|exception|traceback|warning|failed|fatal)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Trouble();

    [LoggerMessage("{Line}")]
    private static partial void LogLine(ILogger logger, LogLevel level, string line);
}
