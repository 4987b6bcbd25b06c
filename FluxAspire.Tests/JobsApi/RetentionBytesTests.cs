using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FluxAspire.Tests.JobsApi;

/// <summary>Finished jobs keep output bytes within Jobs:ResultRetentionBytes (synchronous) and Jobs:RetentionBytes
/// (POST /jobs), oldest dropped first, whatever the time-based retention says.</summary>
public class RetentionBytesTests
{
    private static InMemoryJobStore Store(long resultRetentionBytes, long retentionBytes) => new(Options.Create(new JobsOptions
    {
        ResultRetention = TimeSpan.FromHours(1),
        Retention = TimeSpan.FromHours(2),
        ResultRetentionBytes = resultRetentionBytes,
        RetentionBytes = retentionBytes,
    }), TimeProvider.System);

    private static async Task EndAsync(InMemoryJobStore store, string id, int bytes, bool retainOutputs = false)
    {
        await store.TryAddAsync(new JobRecord(new JobRequest(id, [], DateTimeOffset.UtcNow, TimeSpan.Zero) { RetainOutputs = retainOutputs },
            DateTimeOffset.UtcNow.AddMinutes(1)), default);
        await store.CompleteAsync(id, new JobResult(id, [], [new JobOutputFile("9", $"{id}_ComfyUI_00001_.png", new byte[bytes])], default!), null, default);
    }

    [Fact]
    public async Task Past_the_bytes_for_synchronous_jobs_the_oldest_lose_their_bytes_first_and_keep_their_description()
    {
        var store = Store(resultRetentionBytes: 3000, retentionBytes: 1 << 20);
        foreach (var id in new[] { "s1", "s2", "s3", "s4" })
        {
            await EndAsync(store, id, 1000);
        }

        Assert.Null(await store.GetOutputAsync("s1", 0, default));
        Assert.Equal(1000, (await store.GetOutputAsync("s2", 0, default))!.Content.Length);
        Assert.Equal(1000, (await store.GetOutputAsync("s4", 0, default))!.Content.Length);
        Assert.Equal((3000L, 0L), store.RetainedBytes);
        var described = Assert.Single((await store.GetAsync("s1", default))!.Result!.Files);
        Assert.True(described.IsDescriptionOnly);
        Assert.Equal(1000, described.Length);
    }

    [Fact]
    public async Task Synchronous_jobs_never_push_out_the_outputs_of_post_jobs()
    {
        var store = Store(resultRetentionBytes: 1500, retentionBytes: 2500);
        await EndAsync(store, "kept1", 1000, retainOutputs: true);
        await EndAsync(store, "kept2", 1000, retainOutputs: true);
        for (var i = 0; i < 5; i++)
        {
            await EndAsync(store, $"sync{i}", 1000);
        }

        Assert.NotNull(await store.GetOutputAsync("kept1", 0, default));
        Assert.NotNull(await store.GetOutputAsync("kept2", 0, default));
        Assert.NotNull(await store.GetOutputAsync("sync4", 0, default));
        Assert.Null(await store.GetOutputAsync("sync3", 0, default));
        Assert.Equal((1000L, 2000L), store.RetainedBytes);

        await EndAsync(store, "kept3", 1000, retainOutputs: true);
        Assert.Null(await store.GetOutputAsync("kept1", 0, default));
        Assert.Equal((1000L, 2000L), store.RetainedBytes);
    }

    [Fact]
    public async Task An_output_larger_than_the_bound_is_not_kept_at_all_but_its_waiter_still_gets_it()
    {
        var store = Store(resultRetentionBytes: 500, retentionBytes: 500);
        await store.TryAddAsync(new JobRecord(new JobRequest("big", [], DateTimeOffset.UtcNow, TimeSpan.Zero), DateTimeOffset.UtcNow.AddMinutes(1)), default);
        var waiting = store.WaitForEndAsync("big", default);
        await store.CompleteAsync("big", new JobResult("big", [], [new JobOutputFile("9", "big.png", new byte[1000])], default!), null, default);

        Assert.Equal(1000, (await waiting).Result!.Files[0].Content.Length);
        Assert.Null(await store.GetOutputAsync("big", 0, default));
        Assert.Equal((0L, 0L), store.RetainedBytes);
    }

    [Fact]
    public void The_bounds_have_defaults_and_refuse_negative_values()
    {
        var defaults = Bind([]);
        Assert.Equal((16L << 20, 512L << 20), (defaults.ResultRetentionBytes, defaults.RetentionBytes));
        Assert.Equal(1234L, Bind(new() { ["Jobs:ResultRetentionBytes"] = "1234" }).ResultRetentionBytes);

        foreach (var key in new[] { "Jobs:ResultRetentionBytes", "Jobs:RetentionBytes" })
        {
            var failure = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = "-1" }));
            Assert.Contains(key.Split(':')[1], failure.Message);
        }
    }

    private static JobsOptions Bind(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddJobs();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<JobsOptions>>().Value;
    }
}
