using System.Collections.Concurrent;
using System.Diagnostics;
using FluxAspire.Api.Comfy;
using FluxAspire.Api.Outputs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Jobs;

/// <summary>
/// Takes jobs from the queue and runs them on ComfyUI, at most <see cref="JobsOptions.Prefetch"/> at once: enough to
/// keep the GPU busy, while the rest wait in our queue where they can be cancelled. Every job ends by its deadline.
/// </summary>
public sealed partial class JobWorker(
    IJobQueue queue,
    IJobStore store,
    ComfyPromptRunner runner,
    OutputCollector outputs,
    Inputs.ImageInputUploader imageInputs,
    Cleanup.JobFileCleanup cleanup,
    IOptions<JobsOptions> options,
    ReplicaIdentity replica,
    TimeProvider time,
    ILogger<JobWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JobFailure> _cancelReasons = new(StringComparer.Ordinal);

    /// <summary>Stops a job the worker holds; <paramref name="reason"/> becomes its failure (default: cancelled).</summary>
    public bool TryCancelRunning(string id, JobFailure? reason = null)
    {
        if (!_running.TryGetValue(id, out var cancel))
        {
            return false;
        }

        if (reason is not null)
        {
            _cancelReasons[id] = reason;
        }

        try
        {
            cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(options.Value.Prefetch);
        var inFlight = new ConcurrentDictionary<Task, bool>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                JobTicket ticket;
                try
                {
                    ticket = await queue.DequeueAsync(stoppingToken);
                }
                catch
                {
                    slots.Release();
                    throw;
                }

                var task = RunOneAsync(ticket, stoppingToken);
                inFlight.TryAdd(task, true);
                _ = task.ContinueWith(t =>
                {
                    inFlight.TryRemove(t, out _);
                    slots.Release();
                }, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(inFlight.Keys);
    }

    private async Task RunOneAsync(JobTicket ticket, CancellationToken stoppingToken)
    {
        var id = ticket.JobId;
        var timeout = options.Value.Timeout;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        // Registered before the job starts, so a cancel that races the start is not lost.
        _running[id] = cancel;
        JobRecord? job = null;
        var started = false;
        try
        {
            if ((job = await store.GetAsync(id, stoppingToken)) is null || !(started = await store.TryStartAsync(id, replica.Id, stoppingToken)))
            {
                return; // cancelled while it waited in our queue
            }

            var remaining = job.Deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                await store.CompleteAsync(id, null, JobFailures.DeadlineExceeded(timeout), CancellationToken.None);
                return;
            }

            using var deadline = new CancellationTokenSource(remaining, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, deadline.Token);
            await RunStartedAsync(job, either.Token, () => deadline.IsCancellationRequested);
        }
        finally
        {
            await queue.AcknowledgeAsync(ticket, CancellationToken.None);
            _running.TryRemove(id, out _);
            _cancelReasons.TryRemove(id, out _);
            if (job is not null)
            {
                cleanup.Schedule(job.Request, reachedComfy: started);
            }
        }
    }

    private async Task RunStartedAsync(JobRecord job, CancellationToken cancellationToken, Func<bool> deadlinePassed)
    {
        var id = job.Id;
        var timeout = options.Value.Timeout;
        using var activity = JobTelemetry.StartRun(job.Request);
        JobResult? result = null;
        JobFailure? failure;
        try
        {
            result = await RunOnComfyAsync(job.Request, cancellationToken);
            failure = null;
        }
        catch (OperationCanceledException)
        {
            failure = deadlinePassed() ? JobFailures.DeadlineExceeded(timeout)
                : _cancelReasons.TryGetValue(id, out var reason) ? reason : JobFailures.Cancelled();
        }
        catch (Exception ex) when (JobFailures.From(ex) is { } known)
        {
            failure = known;
        }
        catch (Exception ex)
        {
            LogUnexpected(ex, id);
            failure = new JobFailure(JobFailureKind.BadGateway, "unexpected error while running the job");
        }

        if (failure is not null)
        {
            LogFailed(id, failure.Kind, failure.Message);
            JobTelemetry.Failed(activity, failure);
        }

        JobTelemetry.RecordEnd(failure, time.GetUtcNow() - job.Request.ReceivedAt);
        await store.CompleteAsync(id, result, failure, CancellationToken.None);
    }

    private async Task<JobResult> RunOnComfyAsync(JobRequest request, CancellationToken cancellationToken)
    {
        var roundTrip = Stopwatch.StartNew();
        var graph = await imageInputs.UploadAsync(request, cancellationToken);
        var run = await runner.RunAsync(request.Id, graph, (progress, token) => ReportProgressAsync(request.Id, progress, token), cancellationToken);
        var files = await outputs.CollectAsync(run.History, cancellationToken);
        roundTrip.Stop();

        var postprocess = Stopwatch.StartNew();
        files = outputs.PostProcess(request, run.History, files);
        var now = time.GetUtcNow();
        var start = run.Timeline.Start ?? now.ToUnixTimeMilliseconds();
        var stats = new JobStats(
            start,
            run.Timeline.End ?? start,
            run.Timeline.NodeStarts,
            request.PreprocessTime,
            roundTrip.Elapsed,
            postprocess.Elapsed,
            TimeSpan.Zero,
            now - request.ReceivedAt);
        return new JobResult(request.Id, request.Graph, files, stats);
    }

    // Best effort: a store that cannot record a step must not fail the job.
    private async ValueTask ReportProgressAsync(string id, ComfyProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            await store.ReportProgressAsync(id, new JobProgress(progress.Value, progress.Max, progress.Node), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogProgressFailed(id, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Job {JobId}: progress not recorded: {Reason}")]
    private partial void LogProgressFailed(string jobId, string reason);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} failed ({Kind}): {Reason}")]
    private partial void LogFailed(string jobId, JobFailureKind kind, string reason);

    [LoggerMessage(LogLevel.Error, "Job {JobId} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string jobId);
}
