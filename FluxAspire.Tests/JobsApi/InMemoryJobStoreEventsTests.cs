using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Tests.JobsApi;

/// <summary>The in-memory store's job events, progress, idempotency keys and output retention.</summary>
public class InMemoryJobStoreEventsTests
{
    private static InMemoryJobStore Store(JobsOptions? options = null) => new(Options.Create(options ?? new JobsOptions()), TimeProvider.System);

    private static JobRecord Job(string id, bool retainOutputs = false) =>
        new(new JobRequest(id, [], DateTimeOffset.UtcNow, TimeSpan.Zero) { RetainOutputs = retainOutputs }, DateTimeOffset.UtcNow.AddMinutes(1));

    private static JobResult Result(string id) => new(id, [], [new JobOutputFile("9", $"{id}_ComfyUI_00001_.png", new byte[100])], default!);

    private static async Task<List<JobEvent>> ReadAllAsync(IJobStore store, string id, string? after = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var events = new List<JobEvent>();
        await foreach (var change in store.ReadEventsAsync(id, after, timeout.Token))
        {
            events.Add(change);
        }

        return events;
    }

    [Fact]
    public async Task Every_change_is_an_event_with_an_increasing_id_and_the_end_is_last()
    {
        var store = Store();
        await store.TryAddAsync(Job("a"), default);
        await store.TryStartAsync("a", "replica-1", default);
        await store.ReportProgressAsync("a", new JobProgress(1, 2, "31"), default);
        await store.ReportProgressAsync("a", new JobProgress(2, 2, "31"), default);
        await store.CompleteAsync("a", Result("a"), null, default);

        var events = await ReadAllAsync(store, "a");

        Assert.Equal(["1", "2", "3", "4", "5"], events.Select(e => e.Id));
        Assert.Equal(
            [
                (JobEventKind.Status, JobStatus.Queued, 0, null),
                (JobEventKind.Status, JobStatus.Running, 1, null),
                (JobEventKind.Progress, JobStatus.Running, 1, new JobProgress(1, 2, "31")),
                (JobEventKind.Progress, JobStatus.Running, 1, new JobProgress(2, 2, "31")),
                (JobEventKind.Ended, JobStatus.Succeeded, 1, (JobProgress?)null),
            ],
            events.Select(e => (e.Kind, e.Status, e.Attempt, e.Progress)));
        Assert.Equal(new JobProgress(2, 2, "31"), (await store.GetAsync("a", default))!.Progress);
        Assert.Equal(events.Skip(2).Select(e => e.Id), (await ReadAllAsync(store, "a", "2")).Select(e => e.Id));
        Assert.Equal(events.Select(e => e.Id), (await ReadAllAsync(store, "a", "0")).Select(e => e.Id));
    }

    [Fact]
    public async Task A_reader_waits_for_new_events_and_stops_after_the_end()
    {
        var store = Store();
        await store.TryAddAsync(Job("a"), default);
        await store.TryStartAsync("a", "replica-1", default);
        await using var reader = store.ReadEventsAsync("a", "1", default).GetAsyncEnumerator();

        Assert.True(await reader.MoveNextAsync());
        Assert.Equal("2", reader.Current.Id);
        var next = reader.MoveNextAsync().AsTask();
        // A change to another job reaches that job's reader: the store has handed out its news, and this reader still waits.
        await store.TryAddAsync(Job("b"), default);
        await using var other = store.ReadEventsAsync("b", "1", default).GetAsyncEnumerator();
        var otherNext = other.MoveNextAsync().AsTask();
        await store.TryStartAsync("b", "replica-1", default);
        Assert.True(await otherNext.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("2", other.Current.Id);
        Assert.False(next.IsCompleted);

        await store.ReportProgressAsync("a", new JobProgress(1, 20, "31"), default);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(("3", JobEventKind.Progress), (reader.Current.Id, reader.Current.Kind));

        next = reader.MoveNextAsync().AsTask();
        await store.CompleteAsync("a", null, JobFailures.Cancelled(), default);
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(("4", JobEventKind.Ended, JobStatus.Canceled), (reader.Current.Id, reader.Current.Kind, reader.Current.Status));
        Assert.False(await reader.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_waiting_reader_stops_when_cancelled()
    {
        var store = Store();
        await store.TryAddAsync(Job("a"), default);
        using var cancel = new CancellationTokenSource();
        await using var reader = store.ReadEventsAsync("a", "1", cancel.Token).GetAsyncEnumerator();
        var next = reader.MoveNextAsync().AsTask();

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Unknown_jobs_and_readers_past_the_end_get_no_events()
    {
        var store = Store();
        await store.TryAddAsync(Job("a"), default);
        await store.CompleteAsync("a", null, JobFailures.Cancelled(), default);

        Assert.Empty(await ReadAllAsync(store, "unknown"));
        Assert.Empty(await ReadAllAsync(store, "a", "2"));
        Assert.Empty(await ReadAllAsync(store, "a", "99"));
    }

    [Fact]
    public async Task Progress_counts_only_while_the_job_runs()
    {
        var store = Store();
        await store.TryAddAsync(Job("a"), default);
        await store.ReportProgressAsync("a", new JobProgress(1, 2, "31"), default);
        Assert.Null((await store.GetAsync("a", default))!.Progress);

        await store.TryStartAsync("a", "replica-1", default);
        await store.CompleteAsync("a", null, JobFailures.Cancelled(), default);
        await store.ReportProgressAsync("a", new JobProgress(2, 2, "31"), default);
        await store.ReportProgressAsync("unknown", new JobProgress(2, 2, "31"), default);

        Assert.Equal([JobEventKind.Status, JobEventKind.Status, JobEventKind.Ended], (await ReadAllAsync(store, "a")).Select(e => e.Kind));
        Assert.Null((await store.GetAsync("a", default))!.Progress);
        Assert.Equal(JobStatus.Canceled, (await store.GetAsync("a", default))!.Status);
    }

    [Fact]
    public async Task An_idempotency_key_binds_once_until_released_by_its_own_job()
    {
        var store = Store();

        Assert.Null(await store.BindIdempotencyKeyAsync("k", "job-1", "hash-1", default));
        Assert.Equal(new IdempotencyBinding("job-1", "hash-1"), await store.BindIdempotencyKeyAsync("k", "job-2", "hash-2", default));
        Assert.Null(await store.BindIdempotencyKeyAsync("other", "job-3", "hash-1", default));

        await store.ReleaseIdempotencyKeyAsync("k", "job-2", default);
        Assert.Equal(new IdempotencyBinding("job-1", "hash-1"), await store.BindIdempotencyKeyAsync("k", "job-2", "hash-2", default));

        await store.ReleaseIdempotencyKeyAsync("k", "job-1", default);
        Assert.Null(await store.BindIdempotencyKeyAsync("k", "job-2", "hash-2", default));
        Assert.Equal(new IdempotencyBinding("job-2", "hash-2"), await store.BindIdempotencyKeyAsync("k", "job-4", "hash-2", default));
    }

    [Fact]
    public async Task An_idempotency_key_expires_after_the_timeout_plus_the_retention()
    {
        var store = Store(new JobsOptions { Timeout = TimeSpan.FromMilliseconds(30), Retention = TimeSpan.FromMilliseconds(30) });
        Assert.Null(await store.BindIdempotencyKeyAsync("k", "job-1", "hash-1", default));
        Assert.NotNull(await store.BindIdempotencyKeyAsync("k", "job-2", "hash-2", default));

        IdempotencyBinding? binding = new("job-1", "hash-1");
        await Eventually.TryUntilAsync(
            async () => (binding = await store.BindIdempotencyKeyAsync("k", "job-3", "hash-3", default)) is null,
            TimeSpan.FromSeconds(2),
            TimeSpan.FromMilliseconds(20));

        Assert.Null(binding);
    }

    [Fact]
    public async Task Jobs_that_retain_outputs_keep_their_bytes_past_the_result_retention()
    {
        var store = Store(new JobsOptions { ResultRetention = TimeSpan.FromMilliseconds(50), Retention = TimeSpan.FromMinutes(5) });
        await store.TryAddAsync(Job("kept", retainOutputs: true), default);
        await store.TryAddAsync(Job("sync"), default);
        await store.CompleteAsync("kept", Result("kept"), null, default);
        await store.CompleteAsync("sync", Result("sync"), null, default);

        await Eventually.TryUntilAsync(async () => await store.GetOutputAsync("sync", 0, default) is null, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(20));

        Assert.Null(await store.GetOutputAsync("sync", 0, default));
        // A job ended after that loses its bytes too: a whole retention more has passed, and "kept" still has them.
        await store.TryAddAsync(Job("later"), default);
        await store.CompleteAsync("later", Result("later"), null, default);
        Assert.True(await Eventually.TryUntilAsync(async () => await store.GetOutputAsync("later", 0, default) is null, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(20)));
        var kept = await store.GetOutputAsync("kept", 0, default);
        Assert.Equal(100, kept!.Content.Length);
        Assert.Null(await store.GetOutputAsync("kept", 1, default));
        Assert.Null(await store.GetOutputAsync("kept", -1, default));
    }
}
