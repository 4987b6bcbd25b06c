using FluxAspire.Api.Pipeline.Caching;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FluxAspire.Tests.Caching;

public class InMemoryResultCacheStoreTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private InMemoryResultCacheStore Store(long maxMemoryBytes) => new(Options.Create(new CacheOptions { MaxMemoryBytes = maxMemoryBytes }), _clock);

    internal static CachedResult Entry(int bytes, string jobId = "job") =>
        new(jobId, [new CachedFile("9", $"{jobId}_ComfyUI_00001_.png", "image/png", new byte[bytes])], 1, 2, new Dictionary<string, long>(), DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_stored_entry_is_returned_until_its_ttl_passes()
    {
        var store = Store(1000);
        var entry = Entry(10);
        await store.SetAsync("k", entry, TimeSpan.FromSeconds(30), default);

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(entry, await store.GetAsync("k", default));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await store.GetAsync("k", default));
        Assert.Equal((0, 0L), (store.Count, store.Bytes));
    }

    [Fact]
    public async Task The_least_recently_used_entries_go_when_the_bytes_run_out()
    {
        var store = Store(300);
        await store.SetAsync("a", Entry(100), Hour, default);
        await store.SetAsync("b", Entry(100), Hour, default);
        await store.SetAsync("c", Entry(100), Hour, default);
        Assert.NotNull(await store.GetAsync("a", default)); // a is now the most recent; b the least

        await store.SetAsync("d", Entry(100), Hour, default);

        Assert.Null(await store.GetAsync("b", default));
        Assert.NotNull(await store.GetAsync("a", default));
        Assert.NotNull(await store.GetAsync("c", default));
        Assert.NotNull(await store.GetAsync("d", default));
        Assert.Equal((3, 300L), (store.Count, store.Bytes));
    }

    [Fact]
    public async Task Expired_entries_make_room_before_live_ones()
    {
        var store = Store(300);
        await store.SetAsync("short", Entry(100), TimeSpan.FromSeconds(1), default);
        await store.SetAsync("b", Entry(100), Hour, default);
        await store.SetAsync("c", Entry(100), Hour, default);
        Assert.NotNull(await store.GetAsync("short", default)); // most recent, but expiring
        _clock.Advance(TimeSpan.FromSeconds(2));

        await store.SetAsync("d", Entry(100), Hour, default);

        Assert.NotNull(await store.GetAsync("b", default));
        Assert.Equal(3, store.Count);
    }

    [Fact]
    public async Task An_entry_larger_than_the_whole_store_is_not_kept_and_replaces_nothing_else()
    {
        var store = Store(100);
        await store.SetAsync("a", Entry(60), Hour, default);

        await store.SetAsync("big", Entry(101), Hour, default);

        Assert.Null(await store.GetAsync("big", default));
        Assert.NotNull(await store.GetAsync("a", default));
        Assert.Equal(60L, store.Bytes);
    }

    [Fact]
    public async Task Storing_under_a_key_again_replaces_the_entry_and_its_bytes()
    {
        var store = Store(1000);
        await store.SetAsync("a", Entry(60), Hour, default);
        var second = Entry(40);

        await store.SetAsync("a", second, Hour, default);

        Assert.Same(second, await store.GetAsync("a", default));
        Assert.Equal((1, 40L), (store.Count, store.Bytes));
    }
}
