using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Tests.Api;

public class InMemoryJobStoreTests
{
    private static InMemoryJobStore Store(TimeSpan? retention = null) =>
        new(Options.Create(new JobsOptions { Retention = retention ?? TimeSpan.FromMinutes(5) }), TimeProvider.System);

    private static JobRecord Job(string id) =>
        new(new JobRequest(id, [], DateTimeOffset.UtcNow, TimeSpan.Zero), DateTimeOffset.UtcNow.AddMinutes(1));

    [Fact]
    public async Task An_id_is_taken_once()
    {
        var store = Store();

        Assert.True(await store.TryAddAsync(Job("a"), default));
        Assert.False(await store.TryAddAsync(Job("a"), default));
    }

    [Fact]
    public async Task A_job_starts_once_and_not_after_it_ended()
    {
        var store = Store();
        await store.TryAddAsync(Job("a"), default);
        await store.TryAddAsync(Job("b"), default);

        Assert.True(await store.TryStartAsync("a", "test-replica", default));
        Assert.False(await store.TryStartAsync("a", "test-replica", default));
        await store.CompleteAsync("b", null, JobFailures.Cancelled(), default);
        Assert.False(await store.TryStartAsync("b", "test-replica", default));
        Assert.False(await store.TryStartAsync("unknown", "test-replica", default));
    }

    [Fact]
    public async Task Waiters_get_the_first_ending_only()
    {
        var store = Store();
        await store.TryAddAsync(Job("a"), default);
        var waiting = store.WaitForEndAsync("a", default);
        Assert.False(waiting.IsCompleted);

        await store.CompleteAsync("a", null, JobFailures.DeadlineExceeded(TimeSpan.FromSeconds(3)), default);
        await store.CompleteAsync("a", null, JobFailures.Cancelled(), default);

        var ended = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(JobStatus.Failed, ended.Status);
        Assert.Equal(JobFailureKind.DeadlineExceeded, ended.Failure!.Kind);
        Assert.Equal("the job did not finish within its deadline of 3 s", ended.Failure.Message);
        Assert.Equal(JobFailureKind.DeadlineExceeded, (await store.GetAsync("a", default))!.Failure!.Kind);
    }

    [Fact]
    public async Task Finished_jobs_are_forgotten_after_the_retention()
    {
        var store = Store(TimeSpan.FromMilliseconds(50));
        await store.TryAddAsync(Job("a"), default);
        await store.CompleteAsync("a", null, JobFailures.Cancelled(), default);

        await Eventually.TryUntilAsync(async () => await store.GetAsync("a", default) is null, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(20));

        Assert.Null(await store.GetAsync("a", default));
        Assert.True(await store.TryAddAsync(Job("a"), default));
    }

    [Fact]
    public async Task Output_bytes_are_dropped_after_the_result_retention_but_the_id_stays_taken()
    {
        var store = new InMemoryJobStore(
            Options.Create(new JobsOptions { ResultRetention = TimeSpan.FromMilliseconds(50), Retention = TimeSpan.FromMinutes(5) }),
            TimeProvider.System);
        await store.TryAddAsync(Job("a"), default);
        var result = new JobResult("a", [], [new JobOutputFile("9", "a_ComfyUI_00001_.png", new byte[1024])], default!);
        await store.CompleteAsync("a", result, null, default);
        Assert.Same(result, (await store.GetAsync("a", default))!.Result);

        await Eventually.TryUntilAsync(async () => await store.GetOutputAsync("a", 0, default) is null, TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));

        // The bytes are gone; the file's description stays (GET /jobs/{id} lists it).
        var slim = (await store.GetAsync("a", default))!;
        Assert.Null(await store.GetOutputAsync("a", 0, default));
        var file = Assert.Single(slim.Result!.Files);
        Assert.Equal(("9", "a_ComfyUI_00001_.png", 0, 1024L), (file.NodeId, file.Filename, file.Content.Length, file.Length));
        Assert.Equal(JobStatus.Succeeded, slim.Status);
        Assert.True((await store.WaitForEndAsync("a", default)).Result!.Files[0].Content.IsEmpty);
        Assert.False(await store.TryAddAsync(Job("a"), default));
    }
}
