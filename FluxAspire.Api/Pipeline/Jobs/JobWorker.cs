using System.Collections.Concurrent;
using System.Diagnostics;
using FluxAspire.Api.Operations.Backpressure;
using FluxAspire.Api.Operations.Telemetry;
using FluxAspire.Api.Pipeline.Cleanup;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Inputs;
using FluxAspire.Api.Pipeline.Outputs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// Takes jobs from the queue and runs them on ComfyUI, at most <see cref="JobsOptions.Prefetch"/> at once: enough to
/// keep the GPU busy, while the rest wait in the queue (shared by every replica with Redis) where they can be cancelled,
/// and a faster GPU simply comes back for work sooner. Every job ends by its deadline. On shutdown it takes no more work,
/// lets running jobs finish for <see cref="JobsOptions.DrainTimeout"/>, then hands the rest back to the queue.
/// </summary>
public sealed partial class JobWorker(
    IJobQueue queue,
    IJobStore store,
    JobEnding ending,
    HeldCredentials heldCredentials,
    ComfyLanes lanes,
    ExecutionTimes executionTimes,
    IOptions<JobsOptions> options,
    ReplicaIdentity replica,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<JobWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JobFailure> _cancelReasons = new(StringComparer.Ordinal);

    private readonly ComfyFailover _failover = new(lanes, time);

    // Cancelled when the drain grace is over: the jobs still running are handed back, not failed.
    private readonly CancellationTokenSource _handBack = new();

    public bool IsRunning(string id) => _running.ContainsKey(id);

    /// <summary>Jobs this replica holds now: handed to ComfyUI (running or prefetched) and not yet ended.</summary>
    public int HeldCount => _running.Count;

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
        // Draining starts at SIGTERM (ApplicationStopping), before the server stops: requests waiting for a job that is
        // handed back get their answer from the replica that finishes it, while this one still holds their connection.
        using var stopTaking = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        var stopToken = stopTaking.Token;
        var inFlight = new ConcurrentDictionary<Task, bool>();
        try
        {
            while (!stopToken.IsCancellationRequested)
            {
                // A slot on a backend first, then a job for it: jobs wait in the queue (cancellable, shared) instead of here.
                var lease = await lanes.AcquireAsync(stopToken);
                JobTicket ticket;
                try
                {
                    ticket = await queue.DequeueAsync(stopToken);
                }
                catch
                {
                    lease.Dispose();
                    throw;
                }

                var task = RunOneAsync(ticket, lease);
                inFlight.TryAdd(task, true);
                _ = task.ContinueWith(t => inFlight.TryRemove(t, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stopToken.IsCancellationRequested)
        {
        }

        await DrainAsync(inFlight.Keys);
    }

    private async Task DrainAsync(ICollection<Task> running)
    {
        if (running.Count == 0)
        {
            return;
        }

        var grace = options.Value.DrainTimeout;
        LogDraining(running.Count, grace.TotalSeconds);
        await Task.WhenAny(Task.WhenAll(running), Task.Delay(grace, time));
        if (running.All(t => t.IsCompleted))
        {
            return;
        }

        LogHandingBack(running.Count(t => !t.IsCompleted));
        await _handBack.CancelAsync();
        await Task.WhenAll(running);
    }

    private async Task RunOneAsync(JobTicket ticket, ComfyLanes.Lease firstLease)
    {
        var lease = new LeaseHolder(firstLease);
        var id = ticket.JobId;
        var timeout = options.Value.Timeout;
        // Not linked to stoppingToken: a shutdown lets running jobs finish (see DrainAsync).
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_handBack.Token);
        var handedBack = false;
        var abandoned = false;
        // Every line logged while this job runs (here, in the runner, in delivery) carries its id as an attribute.
        using var logScope = logger.BeginScope(new KeyValuePair<string, object>[] { new(ApiTelemetry.JobId, id) });
        // Registered before the job starts, so a cancel that races the start is not lost.
        _running[id] = cancel;
        JobRecord? job = null;
        var started = false;
        try
        {
            if ((job = await store.GetAsync(id, CancellationToken.None)) is null || job.IsFinished)
            {
                return; // cancelled while it waited in the queue
            }

            if (job.Request.CredentialsHeldBy is { } holder)
            {
                if (holder != replica.Id || heldCredentials.TryGet(id) is not { } credentials)
                {
                    // Taken over from the replica that held the request's credentials: uploading with the server's own
                    // would put the outputs in the wrong account, silently.
                    await ending.EndAsync(job.Request, null, JobFailures.CredentialsLost(holder));
                    return;
                }

                job = job with { Request = job.Request with { UploadCredentials = credentials } };
            }

            if (job.Attempts >= options.Value.MaxAttempts)
            {
                // Started that often already, and its replica was lost each time: fail it rather than retry forever.
                await ending.EndAsync(job.Request, null, JobFailures.AttemptsExhausted(job.Attempts));
                return;
            }

            if (!(started = await store.TryStartAsync(id, replica.Id, CancellationToken.None)))
            {
                return;
            }

            if (job.Attempts > 0)
            {
                LogRetrying(id, job.Attempts + 1, job.Replica);
            }

            if (job.Request.Backend is { } pinned && pinned != lease.Current.Lane.Name && lanes.All.FirstOrDefault(l => l.Name == pinned) is { } own)
            {
                lease.Swap(await lanes.AcquireAsync(own, cancel.Token));
            }

            var remaining = job.Deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                await ending.EndAsync(job.Request, null, JobFailures.DeadlineExceeded(timeout));
                return;
            }

            using var deadline = new CancellationTokenSource(remaining, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, deadline.Token);
            handedBack = !await RunStartedAsync(job, lease, either.Token, () => deadline.IsCancellationRequested);
        }
        catch (Exception e)
        {
            // The store failed us (Redis went away) before the job ended: leave the entry unacknowledged, so its lease
            // lapses and the job is taken again (here or elsewhere) instead of being dropped.
            abandoned = true;
            LogAbandoned(id, e.Message);
        }
        finally
        {
            if (abandoned)
            {
                queue.Abandon(ticket); // taken again once its lease lapses, here too: its credentials stay
            }
            else
            {
                await SettleAsync(ticket, job, handedBack);
                heldCredentials.Drop(id); // ended (its delivery has the request in hand) or handed back
            }

            _running.TryRemove(id, out _);
            _cancelReasons.TryRemove(id, out _);
            if (job is not null)
            {
                lease.Current.Lane.Cleanup.Schedule(job.Request, reachedComfy: started);
            }

            lease.Dispose();
        }
    }

    /// <summary>Runs a started job to its end; false when it was stopped to be handed back (shutdown) instead.</summary>
    private async Task<bool> RunStartedAsync(JobRecord job, LeaseHolder lease, CancellationToken cancellationToken, Func<bool> deadlinePassed)
    {
        var id = job.Id;
        var timeout = options.Value.Timeout;
        using var activity = JobTelemetry.StartRun(job.Request, job.Attempts + 1, replica.Id, job.Replica, time.GetUtcNow());
        JobResult? result = null;
        JobFailure? failure;
        try
        {
            result = await RunOnAnyBackendAsync(job.Request, lease, cancellationToken);
            failure = null;
        }
        catch (OperationCanceledException) when (_handBack.IsCancellationRequested && !deadlinePassed() && !_cancelReasons.ContainsKey(id))
        {
            JobTelemetry.HandedBack(activity);
            return false;
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
        }

        JobTelemetry.EndRun(activity, failure);
        LogEnded(id, job.Attempts + 1, JobTelemetry.Outcome(failure), (time.GetUtcNow() - job.Request.ReceivedAt).TotalSeconds);

        JobTelemetry.RecordEnd(failure, time.GetUtcNow() - job.Request.ReceivedAt, job.Request.Workflow);
        // ComfyUI is done with it: its slot takes the next job while the end is recorded (during a Redis outage that
        // is retried until Redis is back, and must not stop this replica from running jobs in memory meanwhile).
        lease.Dispose();
        await ending.EndAsync(job.Request, result, failure);
        return true;
    }

    // The queue forgets a job once it has ended; one stopped by the shutdown goes back for another replica.
    private async Task SettleAsync(JobTicket ticket, JobRecord? job, bool handBack)
    {
        try
        {
            if (handBack && ticket.Receipt is null && job is not null)
            {
                // Kept in this process only (Redis was unreachable): nobody else can take it over.
                await ending.EndAsync(job.Request, null, new JobFailure(JobFailureKind.Unavailable, "the API shut down before the job finished"));
            }
            else if (handBack)
            {
                await queue.ReleaseAsync(ticket, CancellationToken.None);
                LogHandedBack(ticket.JobId);
            }
            else
            {
                await queue.AcknowledgeAsync(ticket, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            // Unacknowledged, the job is taken over by another replica once the lease lapses: late, not lost.
            LogSettleFailed(ticket.JobId, e.Message);
        }
    }

    /// <summary>
    /// Runs the job on its lane's backend; when that backend stops answering and another is warm, runs it again there
    /// (the <see cref="ComfyFailover"/> pipeline), so a dead GPU costs the job time, not its result.
    /// </summary>
    private async Task<JobResult> RunOnAnyBackendAsync(JobRequest request, LeaseHolder lease, CancellationToken cancellationToken)
    {
        if (lanes.All.Count == 1 || request.Backend is not null)
        {
            return await RunOnComfyAsync(request, lease.Current.Lane, cancellationToken);
        }

        return await _failover.ExecuteAsync(lease, ct => RunOnComfyAsync(request, lease.Current.Lane, ct),
            (from, to, reason) =>
            {
                LogBackendLost(request.Id, from.Name, reason, to.Name);
                from.Cleanup.Schedule(request, reachedComfy: true);
            }, cancellationToken);
    }

    private async Task<JobResult> RunOnComfyAsync(JobRequest request, ComfyLane lane, CancellationToken cancellationToken)
    {
        using var running = lane.Run();
        Activity.Current?.SetTag(ApiTelemetry.Backend, lane.Name);
        var roundTrip = Stopwatch.StartNew();
        var graph = await lane.Inputs.UploadAsync(request, cancellationToken);
        var firstStep = true;
        var run = await lane.Backend.Runner.RunAsync(request.Id, graph, (progress, token) =>
        {
            if (firstStep && !request.RunHere)
            {
                firstStep = false;
                JobTelemetry.RecordFirstStep(request, time.GetUtcNow());
            }

            return ReportProgressAsync(request.Id, progress, token);
        }, JobPreviewReporter.For(request, store, options.Value, time, logger), cancellationToken);
        var files = await JobTelemetry.FetchOutputsAsync(request.Id, () => lane.Outputs.CollectAsync(run.History, cancellationToken));
        roundTrip.Stop();
        // Every finished prompt passes here, so this is where the time ComfyUI takes per prompt is learnt (Retry-After);
        // not from the warmup (RunHere), whose one-step graph would teach a Retry-After of a second.
        if (!request.RunHere)
        {
            executionTimes.Record(run.History);
        }

        var postprocess = Stopwatch.StartNew();
        files = JobTelemetry.ConvertOutputs(request, files, lane.Outputs.PostProcess);
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
        return new JobResult(request.Id, request.Graph, files, stats) { Backend = lanes.All.Count > 1 ? lane.Name : null };
    }

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: ComfyUI backend {Backend} stopped answering ({Reason}); running it again on {Other}")]
    private partial void LogBackendLost(string jobId, string backend, string reason, string other);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: attempt {Attempt} (the previous one was on {Replica}, which was lost)")]
    private partial void LogRetrying(string jobId, int attempt, string? replica);

    [LoggerMessage(LogLevel.Information, "Shutting down: waiting up to {Seconds} s for {Count} running job(s) to finish")]
    private partial void LogDraining(int count, double seconds);

    [LoggerMessage(LogLevel.Warning, "Shutting down: handing {Count} unfinished job(s) back to the queue")]
    private partial void LogHandingBack(int count);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: the job store failed ({Reason}); it will be taken again once its lease lapses")]
    private partial void LogAbandoned(string jobId, string reason);

    [LoggerMessage(LogLevel.Information, "Job {JobId} handed back to the queue")]
    private partial void LogHandedBack(string jobId);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: settling its queue entry failed ({Reason}); its lease will lapse")]
    private partial void LogSettleFailed(string jobId, string reason);

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

    [LoggerMessage(LogLevel.Information, "Job {JobId} attempt {Attempt} ended: {Outcome} after {Seconds:0.000} s")]
    private partial void LogEnded(string jobId, int attempt, string outcome, double seconds);

    [LoggerMessage(LogLevel.Warning, "Job {JobId} failed ({Kind}): {Reason}")]
    private partial void LogFailed(string jobId, JobFailureKind kind, string reason);

    [LoggerMessage(LogLevel.Error, "Job {JobId} failed unexpectedly")]
    private partial void LogUnexpected(Exception exception, string jobId);
}
