using System.ComponentModel;
using FluxAspire.Api.Operations.Resilience;
using FluxAspire.Api.Operations.Salad;
using FluxAspire.Api.Pipeline.Comfy;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;

namespace FluxAspire.Api.Operations.Supervisor;

/// <summary>
/// Runs ComfyUI as a child process (ComfyUI:Launch), or one per GPU (ComfyUI:Launch:Instances), and keeps each running:
/// it is restarted after ANY exit, exit code 0 included, with exponential backoff (the
/// <see cref="ResiliencePipelines.SupervisorRestart"/> pipeline); a child that does not answer GET /system_stats within
/// the start timeout is killed and restarted; when the API stops, the children are stopped with it. /ready reports their
/// state through <see cref="ComfyProcesses"/>.
/// </summary>
internal sealed partial class ComfyProcessSupervisor(
    ChildProcessLauncher launcher,
    ComfyProcesses processes,
    ComfyBackends backends,
    NodeReallocation reallocation,
    IOptions<ComfyLaunchOptions> options,
    IOptions<ComfyOptions> comfyOptions,
    TimeProvider time,
    ResiliencePipelineProvider<string> pipelines,
    ILoggerFactory loggerFactory,
    ILogger<ComfyProcessSupervisor> logger) : BackgroundService
{
    /// <summary>The log category of the child's own output.</summary>
    public const string OutputCategory = "ComfyUI.Process";

    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly ResiliencePipeline<SupervisedRun> _restart = pipelines.GetPipeline<SupervisedRun>(ResiliencePipelines.SupervisorRestart);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var instances = ComfyInstances.Describe(options, comfyOptions);
        foreach (var instance in instances)
        {
            if (launcher.Contained)
            {
                LogContained(backends.All[instance.Index].Address.BaseUri, instance.CudaVisibleDevices ?? "as given");
            }
            else
            {
                LogNotContained(backends.All[instance.Index].Address.BaseUri);
            }
        }

        try
        {
            await reallocation.CheckGpuAsync(stoppingToken);
            await Task.WhenAll(instances.Select(instance => SuperviseAsync(instance, stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SuperviseAsync(ComfyInstance instance, CancellationToken stoppingToken)
    {
        var state = processes.All[instance.Index];
        var client = backends.All[instance.Index].Client;
        var output = loggerFactory.CreateLogger(OutputCategory);
        using var scope = BeginInstanceScope(instance);
        var runs = 0;
        var failedStarts = 0;
        var last = await _restart.ExecuteOutcomeAsync(time, async ct =>
            {
                var run = await RunOnceAsync(instance, state, client, runs++, output, ct);
                failedStarts = run.Answered ? 0 : failedStarts + 1;
                if (!run.Answered && !ct.IsCancellationRequested)
                {
                    await reallocation.StartFailedAsync(failedStarts, run.Description, ct);
                }

                return run;
            },
            (ended, restarts, delay) =>
            {
                state.Down(ended.Result.Description, restarts, time.GetUtcNow() + delay);
                LogRestarting(ended.Result.Description, restarts + 1, delay.TotalSeconds);
            },
            stoppingToken);
        last.ThrowIfException();
    }

    /// <summary>Every line about one of several children names its backend (as /ready does).</summary>
    private IDisposable? BeginInstanceScope(ComfyInstance instance) =>
        options.Value.Instances > 1 ? logger.BeginScope(new Dictionary<string, object> { ["ComfyInstance"] = instance.Name }) : null;

    private async Task<SupervisedRun> RunOnceAsync(
        ComfyInstance instance, ComfyProcessState state, ComfyClient client, int restarts, ILogger output, CancellationToken stoppingToken)
    {
        var settings = instance.Launch;
        SupervisedProcess child;
        try
        {
            child = await SupervisedProcess.StartAsync(launcher, instance, output);
        }
        catch (Win32Exception ex)
        {
            LogStartFailed(settings.Command!, ex.Message);
            return new SupervisedRun($"could not start {settings.Command}: {ex.Message}", TimeSpan.Zero);
        }

        using (child)
        {
            state.Starting(child.Id, restarts);
            LogStarted(child.Id, settings.Command!, string.Join(' ', settings.Arguments), restarts);
            try
            {
                var startedAt = time.GetTimestamp();
                if (!await WaitUntilAnsweringAsync(child, client, settings.StartTimeout, stoppingToken))
                {
                    if (!child.Exited.IsCompleted)
                    {
                        LogHung(child.Id, settings.StartTimeout.TotalSeconds);
                        await child.StopAsync(settings.StopTimeout);
                        return new SupervisedRun($"did not answer /system_stats within {settings.StartTimeout.TotalSeconds:0.#} s", TimeSpan.Zero);
                    }

                    LogExited(child.Id, child.ExitCode, time.GetElapsedTime(startedAt).TotalSeconds);
                    return new SupervisedRun($"exited with code {child.ExitCode} before answering", TimeSpan.Zero);
                }

                var answeringSince = time.GetTimestamp();
                state.Up();
                LogAnswering(child.Id, time.GetElapsedTime(startedAt).TotalSeconds);
                await child.Exited.WaitAsync(stoppingToken);
                LogExited(child.Id, child.ExitCode, time.GetElapsedTime(startedAt).TotalSeconds);
                return new SupervisedRun($"exited with code {child.ExitCode}", time.GetElapsedTime(answeringSince), Answered: true);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                state.Stopping();
                LogStopping(child.Id, settings.StopTimeout.TotalSeconds);
                await child.StopAsync(settings.StopTimeout);
                LogStopped(child.Id, child.ExitCodeIfExited);
                return new SupervisedRun("stopped", TimeSpan.Zero);
            }
            finally
            {
                child.KillLeftovers();
            }
        }
    }

    /// <summary>True once GET /system_stats answers; false when the child exits first or the start timeout passes.</summary>
    private async Task<bool> WaitUntilAnsweringAsync(SupervisedProcess child, ComfyClient client, TimeSpan startTimeout, CancellationToken stoppingToken)
    {
        var startedAt = time.GetTimestamp();
        while (!child.Exited.IsCompleted)
        {
            var left = startTimeout - time.GetElapsedTime(startedAt);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            using (var probe = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                probe.CancelAfter(left < ProbeTimeout ? left : ProbeTimeout);
                try
                {
                    await client.GetSystemStatsAsync(probe.Token);
                    return true;
                }
                catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException
                    || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
                {
                }
            }

            await Task.WhenAny(child.Exited, Task.Delay(ProbeInterval, time, stoppingToken));
            stoppingToken.ThrowIfCancellationRequested();
        }

        return false;
    }

    [LoggerMessage(LogLevel.Information, "Supervising ComfyUI as a child process that should answer at {Address} (GPUs: {CudaVisibleDevices}); it dies with the API (setsid + setpriv --pdeathsig KILL)")]
    private partial void LogContained(Uri? address, string cudaVisibleDevices);

    [LoggerMessage(LogLevel.Warning, "Supervising ComfyUI as a child process that should answer at {Address}; setsid/setpriv (util-linux) not found, so a SIGKILLed API would leave it running")]
    private partial void LogNotContained(Uri? address);

    [LoggerMessage(LogLevel.Information, "Started ComfyUI as pid {ProcessId}: {Command} {Arguments} (restart {Restarts})")]
    private partial void LogStarted(int processId, string command, string arguments, int restarts);

    [LoggerMessage(LogLevel.Error, "Could not start ComfyUI ({Command}): {Reason}")]
    private partial void LogStartFailed(string command, string reason);

    [LoggerMessage(LogLevel.Information, "ComfyUI (pid {ProcessId}) answers /system_stats after {Seconds:0.0} s")]
    private partial void LogAnswering(int processId, double seconds);

    [LoggerMessage(LogLevel.Warning, "ComfyUI (pid {ProcessId}) did not answer /system_stats within {Seconds:0.#} s; stopping it")]
    private partial void LogHung(int processId, double seconds);

    [LoggerMessage(LogLevel.Warning, "ComfyUI (pid {ProcessId}) exited with code {ExitCode} after {Seconds:0.0} s")]
    private partial void LogExited(int processId, int exitCode, double seconds);

    [LoggerMessage(LogLevel.Warning, "ComfyUI process is down ({Reason}); restart {Restart} in {Seconds:0.0##} s")]
    private partial void LogRestarting(string reason, int restart, double seconds);

    [LoggerMessage(LogLevel.Information, "Stopping ComfyUI (pid {ProcessId}): SIGTERM, SIGKILL after {Seconds:0.#} s")]
    private partial void LogStopping(int processId, double seconds);

    [LoggerMessage(LogLevel.Information, "ComfyUI (pid {ProcessId}) stopped with code {ExitCode}")]
    private partial void LogStopped(int processId, int? exitCode);
}
