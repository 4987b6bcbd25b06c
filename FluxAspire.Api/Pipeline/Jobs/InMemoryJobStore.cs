using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// Jobs in this process's memory; finished jobs are dropped after <see cref="JobsOptions.Retention"/>, their output
/// bytes earlier: after <see cref="JobsOptions.ResultRetention"/> (synchronous jobs) and whenever the bytes kept pass
/// <see cref="JobsOptions.ResultRetentionBytes"/> / <see cref="JobsOptions.RetentionBytes"/>, oldest first.
/// </summary>
public sealed class InMemoryJobStore(IOptions<JobsOptions> options, TimeProvider time) : IJobStore
{
    private readonly ConcurrentDictionary<string, Entry> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IdempotencyBinding> _keys = new(StringComparer.Ordinal);
    private readonly RetainedOutputs _waited = new();
    private readonly RetainedOutputs _retained = new();

    /// <summary>Output bytes finished jobs keep now: synchronous jobs, and POST /jobs jobs.</summary>
    public (long Waited, long Retained) RetainedBytes => (_waited.Bytes, _retained.Bytes);

    public ValueTask<bool> TryAddAsync(JobRecord job, CancellationToken cancellationToken)
    {
        var entry = new Entry(job);
        entry.Append(JobEventKind.Status, job.Status, time.GetUtcNow());
        return ValueTask.FromResult(_jobs.TryAdd(job.Id, entry));
    }

    public ValueTask<JobRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_jobs.TryGetValue(id, out var entry) ? entry.Record : null);

    public ValueTask<JobOutputFile?> GetOutputAsync(string id, int index, CancellationToken cancellationToken)
    {
        if (!_jobs.TryGetValue(id, out var entry))
        {
            return ValueTask.FromResult<JobOutputFile?>(null);
        }

        lock (entry)
        {
            return ValueTask.FromResult(!entry.OutputsDropped && entry.Record.Result?.Files is { } files && index >= 0 && index < files.Count
                ? files[index]
                : null);
        }
    }

    public ValueTask ReportProgressAsync(string id, JobProgress progress, CancellationToken cancellationToken)
    {
        if (_jobs.TryGetValue(id, out var entry))
        {
            lock (entry)
            {
                if (entry.Record.Status == JobStatus.Running)
                {
                    entry.Record = entry.Record with { Progress = progress };
                    entry.Append(JobEventKind.Progress, JobStatus.Running, time.GetUtcNow(), progress, entry.Record.Attempts);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask ReportPreviewAsync(string id, JobPreview preview, CancellationToken cancellationToken)
    {
        if (_jobs.TryGetValue(id, out var entry))
        {
            lock (entry)
            {
                if (entry.Record.Status == JobStatus.Running)
                {
                    entry.Append(JobEventKind.Preview, JobStatus.Running, time.GetUtcNow(), attempt: entry.Record.Attempts, preview: preview);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<JobRecord>> ListAsync(JobListCursor? before, int limit, CancellationToken cancellationToken)
    {
        var jobs = _jobs.Values.Select(e => e.Record).Where(r => r.Request.RetainOutputs && (before is null || before.IsAfter(r)));
        return ValueTask.FromResult<IReadOnlyList<JobRecord>>(JobListCursor.NewestFirst(jobs).Take(limit).ToList());
    }

    public async IAsyncEnumerable<JobEvent> ReadEventsAsync(string id, string? afterEventId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_jobs.TryGetValue(id, out var entry))
        {
            yield break;
        }

        // Ids are the 1-based position in the job's list, so "after id n" is "from index n".
        var next = int.TryParse(afterEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var after) ? after : 0;
        while (true)
        {
            JobEvent[] batch;
            Task changed;
            bool pastTheEnd;
            lock (entry)
            {
                batch = next < entry.Events.Count ? entry.Events.GetRange(next, entry.Events.Count - next).ToArray() : [];
                changed = entry.Changed.Task;
                pastTheEnd = batch.Length == 0 && entry.Record.IsFinished;
            }

            if (pastTheEnd)
            {
                yield break; // the reader has seen the end event already
            }

            foreach (var change in batch)
            {
                yield return change;
                next++;
                if (change.Kind == JobEventKind.Ended)
                {
                    yield break;
                }
            }

            if (batch.Length == 0)
            {
                await changed.WaitAsync(cancellationToken);
            }
        }
    }

    public ValueTask<IdempotencyBinding?> BindIdempotencyKeyAsync(string key, string jobId, string requestHash, CancellationToken cancellationToken)
    {
        var binding = new IdempotencyBinding(jobId, requestHash);
        while (true)
        {
            if (_keys.TryAdd(key, binding))
            {
                _ = ForgetKeyLaterAsync(key, binding);
                return ValueTask.FromResult<IdempotencyBinding?>(null);
            }

            // Else released or expired between the two calls: try again.
            if (_keys.TryGetValue(key, out var earlier))
            {
                return ValueTask.FromResult<IdempotencyBinding?>(earlier);
            }
        }
    }

    public ValueTask ReleaseIdempotencyKeyAsync(string key, string jobId, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(key, out var binding) && binding.JobId == jobId)
        {
            _keys.TryRemove(new KeyValuePair<string, IdempotencyBinding>(key, binding));
        }

        return ValueTask.CompletedTask;
    }

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

            var now = time.GetUtcNow();
            entry.Record = entry.Record with
            {
                Status = JobStatus.Running,
                StartedAt = now,
                Attempts = entry.Record.Attempts + 1,
                Replica = replica,
            };
            entry.Append(JobEventKind.Status, JobStatus.Running, now, attempt: entry.Record.Attempts);
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

            var now = time.GetUtcNow();
            final = entry.Record = entry.Record with
            {
                Status = JobRecord.FinalStatus(failure),
                FinishedAt = now,
                Result = failure is null ? result : null,
                Failure = failure,
            };
            entry.Append(JobEventKind.Ended, final.Status, now, attempt: final.Attempts);
            entry.ForgetPreviews();
        }

        entry.Ended.TrySetResult(final);
        if (final.Result is { } kept && kept.Files.Sum(f => (long)f.Content.Length) is > 0 and var bytes)
        {
            var (ledger, limit) = final.Request.RetainOutputs ? (_retained, options.Value.RetentionBytes) : (_waited, options.Value.ResultRetentionBytes);
            foreach (var evicted in ledger.Add(entry, bytes, limit))
            {
                DropOutputs(evicted);
            }
        }

        _ = ForgetLaterAsync(id, entry);
        return ValueTask.FromResult(true);
    }

    public Task<JobRecord> WaitForResultAsync(JobRecord job, CancellationToken cancellationToken) => WaitForEndAsync(job.Id, cancellationToken);

    public async Task<JobRecord> WaitForEndAsync(string id, CancellationToken cancellationToken) =>
        _jobs.TryGetValue(id, out var entry)
            ? await entry.Ended.Task.WaitAsync(cancellationToken)
            : throw new KeyNotFoundException($"no job '{id}'");

    // Output bytes are the bulk of a job; keep them only while a waiter may still collect them (or, for POST /jobs, for
    // the whole retention), so a busy instance does not hold minutes of images just to remember which ids it has seen.
    // The files' descriptions stay, so GET /jobs/{id} still lists them.
    private async Task ForgetLaterAsync(string id, Entry entry)
    {
        var retention = options.Value.Retention;
        var keepResult = entry.Record.Request.RetainOutputs || options.Value.ResultRetention >= retention ? retention : options.Value.ResultRetention;
        await Task.Delay(keepResult, time);
        DropOutputs(entry);
        await Task.Delay(retention - keepResult, time);
        _jobs.TryRemove(new KeyValuePair<string, Entry>(id, entry));
    }

    private void DropOutputs(Entry entry)
    {
        lock (entry)
        {
            if (entry.OutputsDropped)
            {
                return;
            }

            var slim = entry.Record.Result is { } result
                ? entry.Record with { Result = result with { Files = result.Files.Select(f => f with { Content = OutputBytes.Empty }).ToList() } }
                : entry.Record;
            entry.Record = slim;
            entry.OutputsDropped = true;
            entry.Ended = new TaskCompletionSource<JobRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
            entry.Ended.SetResult(slim);
        }

        _waited.Remove(entry);
        _retained.Remove(entry);
    }

    // A key outlives the job's longest possible life, so a retry never finds it free while the job can still be found.
    private async Task ForgetKeyLaterAsync(string key, IdempotencyBinding binding)
    {
        await Task.Delay(options.Value.Timeout + options.Value.Retention, time);
        _keys.TryRemove(new KeyValuePair<string, IdempotencyBinding>(key, binding));
    }

    /// <summary>Finished jobs that still hold output bytes, oldest first, and how many bytes they hold.</summary>
    private sealed class RetainedOutputs
    {
        private readonly Lock _lock = new();
        private readonly LinkedList<(Entry Entry, long Bytes)> _oldestFirst = [];
        private readonly Dictionary<Entry, LinkedListNode<(Entry Entry, long Bytes)>> _nodes = [];
        private long _bytes;

        public long Bytes
        {
            get { lock (_lock) { return _bytes; } }
        }

        /// <summary>Adds a job's outputs; returns the jobs to drop so the total is within <paramref name="limit"/>
        /// (the new one too, when it alone is over).</summary>
        public List<Entry> Add(Entry entry, long bytes, long limit)
        {
            var evicted = new List<Entry>();
            lock (_lock)
            {
                _nodes[entry] = _oldestFirst.AddLast((entry, bytes));
                _bytes += bytes;
                while (_bytes > limit && _oldestFirst.First is { } oldest)
                {
                    Unlink(oldest);
                    evicted.Add(oldest.Value.Entry);
                }
            }

            return evicted;
        }

        public void Remove(Entry entry)
        {
            lock (_lock)
            {
                if (_nodes.TryGetValue(entry, out var node))
                {
                    Unlink(node);
                }
            }
        }

        private void Unlink(LinkedListNode<(Entry Entry, long Bytes)> node)
        {
            _oldestFirst.Remove(node);
            _nodes.Remove(node.Value.Entry);
            _bytes -= node.Value.Bytes;
        }
    }

    private sealed class Entry(JobRecord record)
    {
        public JobRecord Record { get; set; } = record;

        public TaskCompletionSource<JobRecord> Ended { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool OutputsDropped { get; set; }

        /// <summary>Every change so far; event ids are positions in it ("1", "2", …).</summary>
        public List<JobEvent> Events { get; } = [];

        /// <summary>Completed (and replaced) on every new event, so readers wait without polling.</summary>
        public TaskCompletionSource Changed { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Lets the images of an ended job's previews go (its final image replaces them); the events keep their ids.</summary>
        public void ForgetPreviews()
        {
            for (var i = 0; i < Events.Count; i++)
            {
                if (Events[i].Preview is not null)
                {
                    Events[i] = Events[i] with { Preview = null };
                }
            }
        }

        /// <summary>Adds an event; the caller holds the lock on this entry (or owns it alone).</summary>
        public void Append(JobEventKind kind, JobStatus status, DateTimeOffset at, JobProgress? progress = null, int attempt = 0, JobPreview? preview = null)
        {
            Events.Add(new JobEvent((Events.Count + 1).ToString(CultureInfo.InvariantCulture), kind, status, at, progress, attempt) { Preview = preview });
            var changed = Changed;
            Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }
}
