using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Jobs;

/// <summary>Jobs in this process's memory; finished jobs are dropped after <see cref="JobsOptions.Retention"/>.</summary>
public sealed class InMemoryJobStore(IOptions<JobsOptions> options, TimeProvider time) : IJobStore
{
    private readonly ConcurrentDictionary<string, Entry> _jobs = new(StringComparer.Ordinal);

    public ValueTask<bool> TryAddAsync(JobRecord job, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_jobs.TryAdd(job.Id, new Entry(job)));

    public ValueTask<JobRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_jobs.TryGetValue(id, out var entry) ? entry.Record : null);

    public ValueTask<JobOutputFile?> GetOutputAsync(string id, int index, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_jobs.TryGetValue(id, out var entry) && entry.Record.Result?.Files is { } files && index >= 0 && index < files.Count
            ? files[index]
            : null);

    public ValueTask ReportProgressAsync(string id, JobProgress progress, CancellationToken cancellationToken)
    {
        if (_jobs.TryGetValue(id, out var entry))
        {
            lock (entry)
            {
                if (entry.Record.Status == JobStatus.Running)
                {
                    entry.Record = entry.Record with { Progress = progress };
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public IAsyncEnumerable<JobEvent> ReadEventsAsync(string id, string? afterEventId, CancellationToken cancellationToken) =>
        throw new NotSupportedException("job events are not recorded in memory yet");

    public ValueTask<IdempotencyBinding?> BindIdempotencyKeyAsync(string key, string jobId, string requestHash, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Idempotency-Key is not supported in memory yet");

    public ValueTask<bool> TryStartAsync(string id, string replica, CancellationToken cancellationToken)
    {
        if (!_jobs.TryGetValue(id, out var entry))
        {
            return ValueTask.FromResult(false);
        }

        lock (entry)
        {
            if (entry.Record.Status != JobStatus.Queued)
            {
                return ValueTask.FromResult(false);
            }

            entry.Record = entry.Record with
            {
                Status = JobStatus.Running,
                StartedAt = time.GetUtcNow(),
                Attempts = entry.Record.Attempts + 1,
                Replica = replica,
            };
            return ValueTask.FromResult(true);
        }
    }

    public bool Contains(string id) => _jobs.ContainsKey(id);

    public ValueTask<bool> CompleteAsync(string id, JobResult? result, JobFailure? failure, CancellationToken cancellationToken)
    {
        if (!_jobs.TryGetValue(id, out var entry))
        {
            return ValueTask.FromResult(false);
        }

        JobRecord final;
        lock (entry)
        {
            if (entry.Record.IsFinished)
            {
                return ValueTask.FromResult(false);
            }

            final = entry.Record = entry.Record with
            {
                Status = JobRecord.FinalStatus(failure),
                FinishedAt = time.GetUtcNow(),
                Result = failure is null ? result : null,
                Failure = failure,
            };
        }

        entry.Ended.TrySetResult(final);
        _ = ForgetLaterAsync(id, entry);
        return ValueTask.FromResult(true);
    }

    public async Task<JobRecord> WaitForEndAsync(string id, CancellationToken cancellationToken) =>
        _jobs.TryGetValue(id, out var entry)
            ? await entry.Ended.Task.WaitAsync(cancellationToken)
            : throw new KeyNotFoundException($"no job '{id}'");

    // Output bytes are the bulk of a job; keep them only while a waiter may still collect them, so a busy instance
    // does not hold minutes of images in memory just to remember which ids it has seen.
    private async Task ForgetLaterAsync(string id, Entry entry)
    {
        var keepResult = entry.Record.Request.RetainOutputs || options.Value.ResultRetention > options.Value.Retention
            ? options.Value.Retention
            : options.Value.ResultRetention;
        await Task.Delay(keepResult, time);
        lock (entry)
        {
            var slim = entry.Record with { Result = null };
            entry.Record = slim;
            entry.Ended = new TaskCompletionSource<JobRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            entry.Ended.SetResult(slim);
        }

        await Task.Delay(options.Value.Retention - keepResult, time);
        _jobs.TryRemove(new KeyValuePair<string, Entry>(id, entry));
    }

    private sealed class Entry(JobRecord record)
    {
        public JobRecord Record { get; set; } = record;

        public TaskCompletionSource<JobRecord> Ended { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
