using System.Diagnostics;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluxAspire.Tests.Caching;

public class ResultCacheTests
{
    private static readonly CacheOptions Defaults = new() { Timeout = TimeSpan.FromMilliseconds(200), MaxEntryBytes = 1000 };

    private static JobResult Result(int bytes, string id = "job-1") => new(id, [], [new JobOutputFile("9", $"{id}_ComfyUI_00001_.png", new byte[bytes])],
        new JobStats(1_000, 3_500, new Dictionary<string, long> { ["31"] = 1_200 }, TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(3),
            TimeSpan.FromMilliseconds(40), TimeSpan.Zero, TimeSpan.FromSeconds(4)));

    private static (ResultCache Cache, InMemoryResultCacheStore Store) InProcess(CacheOptions? options = null)
    {
        var o = Options.Create(options ?? Defaults);
        var store = new InMemoryResultCacheStore(o, TimeProvider.System);
        return (new ResultCache(store, o, TimeProvider.System, new ListLogger<ResultCache>()), store);
    }

    [Fact]
    public async Task A_stored_result_comes_back_with_its_bytes()
    {
        var (cache, _) = InProcess();
        var bytes = new byte[100];
        bytes[7] = 42;
        var result = Result(0) with { Files = [new JobOutputFile("9", "job-1_ComfyUI_00001_.png", bytes)] };

        Assert.True(await cache.StoreAsync("k", result, default));
        var entry = await cache.TryGetAsync("k", default);

        Assert.NotNull(entry);
        Assert.Equal(bytes, entry.Files[0].Content.ToArray());
        Assert.Equal(("job-1", "image/png", 1_000L, 3_500L), (entry.JobId, entry.Files[0].ContentType, entry.ComfyStart, entry.ComfyEnd));
    }

    [Fact]
    public async Task A_result_over_max_entry_bytes_is_not_stored()
    {
        var (cache, store) = InProcess();

        Assert.False(await cache.StoreAsync("big", Result(1001), default));
        Assert.True(await cache.StoreAsync("fits", Result(1000), default));

        Assert.Null(await cache.TryGetAsync("big", default));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task A_result_without_its_file_bytes_is_not_stored()
    {
        var (cache, store) = InProcess();
        var described = Result(0) with { Files = [new JobOutputFile("9", "x.png", OutputBytes.Empty) { Length = 500 }] };

        Assert.False(await cache.StoreAsync("k", described, default));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task When_the_cache_is_off_nothing_is_stored_or_served()
    {
        var (cache, store) = InProcess(new CacheOptions { Enabled = false });
        await store.SetAsync("k", InMemoryResultCacheStoreTests.Entry(10), TimeSpan.FromHours(1), default);

        Assert.Null(await cache.TryGetAsync("k", default));
        Assert.False(await cache.StoreAsync("other", Result(10), default));
    }

    [Fact]
    public async Task A_store_that_hangs_is_a_miss_after_the_timeout_and_a_store_that_throws_is_a_miss_at_once()
    {
        var logger = new ListLogger<ResultCache>();
        var broken = new BrokenStore();
        var cache = new ResultCache(broken, Options.Create(Defaults), TimeProvider.System, logger);

        broken.Hang = true;
        var watch = Stopwatch.StartNew();
        Assert.Null(await cache.TryGetAsync("k", default));
        Assert.False(await cache.StoreAsync("k", Result(10), default));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(390), TimeSpan.FromSeconds(5));

        broken.Hang = false;
        Assert.Null(await cache.TryGetAsync("k", default));
        Assert.False(await cache.StoreAsync("k", Result(10), default));

        // One warning for the whole outage, one line when it answers again, then a new outage warns again.
        Assert.Equal([LogLevel.Warning], logger.Entries.Select(e => e.Level));
        broken.Works = true;
        Assert.Null(await cache.TryGetAsync("k", default));
        broken.Works = false;
        Assert.Null(await cache.TryGetAsync("k", default));
        Assert.Equal([LogLevel.Warning, LogLevel.Information, LogLevel.Warning], logger.Entries.Select(e => e.Level));
        Assert.Contains("TimeoutException", logger.Entries[0].Message);
    }

    [Fact]
    public void A_hit_takes_the_new_request_s_id_graph_and_timings()
    {
        var entry = CachedResult.From(Result(3, id: "first"), DateTimeOffset.UnixEpoch)!
            with { Files = [new CachedFile("9", "first_ComfyUI_00001_.png", "image/png", new byte[] { 1, 2, 3 }), new CachedFile("12", "shared_00001_.png", "image/png", new byte[] { 4 })] };
        var received = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var job = new JobRequest("second", new System.Text.Json.Nodes.JsonObject { ["9"] = new System.Text.Json.Nodes.JsonObject() }, received,
            TimeSpan.FromMilliseconds(7));

        var result = entry.ToJobResult(job, received.AddMilliseconds(30));

        Assert.Equal("second", result.Id);
        Assert.Same(job.Graph, result.Graph);
        Assert.Equal(["second_ComfyUI_00001_.png", "shared_00001_.png"], result.Files.Select(f => f.Filename));
        Assert.Equal([1, 2, 3], result.Files[0].Content.ToArray());
        Assert.Equal((1_000L, 3_500L, 1_200L), (result.Stats.ComfyStart, result.Stats.ComfyEnd, result.Stats.NodeStarts["31"]));
        Assert.Equal((TimeSpan.FromMilliseconds(7), TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromMilliseconds(30)),
            (result.Stats.Preprocess, result.Stats.ComfyRoundTrip, result.Stats.Postprocess, result.Stats.Upload, result.Stats.Total));
    }

    /// <summary>A store as Redis looks when it is frozen (hangs) or down (throws).</summary>
    private sealed class BrokenStore : IResultCacheStore
    {
        public bool Hang { get; set; }

        public bool Works { get; set; }

        public string Kind => "broken";

        public Task<CachedResult?> GetAsync(string key, CancellationToken cancellationToken) =>
            Works ? Task.FromResult<CachedResult?>(null) : Hang ? new TaskCompletionSource<CachedResult?>().Task : throw new IOException("connection refused");

        public Task SetAsync(string key, CachedResult entry, TimeSpan ttl, CancellationToken cancellationToken) =>
            Works ? Task.CompletedTask : Hang ? new TaskCompletionSource().Task : throw new IOException("connection refused");
    }
}

internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get { lock (_entries) { return _entries.ToList(); } }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries) { _entries.Add((logLevel, formatter(state, exception))); }
    }
}
