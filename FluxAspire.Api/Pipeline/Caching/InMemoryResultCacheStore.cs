using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>
/// The store when no Redis is configured: this process only, bounded by <see cref="CacheOptions.MaxMemoryBytes"/> of
/// output bytes; the least recently used entries go first. Expired entries are dropped when they are next touched or
/// when space is needed.
/// </summary>
public sealed class InMemoryResultCacheStore(IOptions<CacheOptions> options, TimeProvider time) : IResultCacheStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<Slot>> _byKey = new(StringComparer.Ordinal);
    private readonly LinkedList<Slot> _recentFirst = new();
    private long _bytes;

    public string Kind => "in-process";

    /// <summary>Output bytes held now.</summary>
    public long Bytes
    {
        get { lock (_lock) { return _bytes; } }
    }

    /// <summary>Entries held now (expired ones included until they are touched).</summary>
    public int Count
    {
        get { lock (_lock) { return _byKey.Count; } }
    }

    public Task<CachedResult?> GetAsync(string key, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_byKey.TryGetValue(key, out var node))
            {
                return Task.FromResult<CachedResult?>(null);
            }

            if (node.Value.ExpiresAt <= time.GetUtcNow())
            {
                Remove(node);
                return Task.FromResult<CachedResult?>(null);
            }

            _recentFirst.Remove(node);
            _recentFirst.AddFirst(node);
            return Task.FromResult<CachedResult?>(node.Value.Entry);
        }
    }

    public Task SetAsync(string key, CachedResult entry, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var size = entry.TotalBytes;
        var max = options.Value.MaxMemoryBytes;
        lock (_lock)
        {
            if (_byKey.TryGetValue(key, out var existing))
            {
                Remove(existing);
            }

            if (size > max)
            {
                return Task.CompletedTask;
            }

            var now = time.GetUtcNow();
            _byKey[key] = _recentFirst.AddFirst(new Slot(key, entry, size, now + ttl));
            _bytes += size;
            // Expired entries go before live ones, then the least recently used.
            for (var node = _recentFirst.Last; node is not null && _bytes > max;)
            {
                var previous = node.Previous;
                if (node.Value.ExpiresAt <= now) Remove(node);
                node = previous;
            }

            while (_bytes > max && _recentFirst.Last is { } oldest)
            {
                Remove(oldest);
            }
        }

        return Task.CompletedTask;
    }

    private void Remove(LinkedListNode<Slot> node)
    {
        _recentFirst.Remove(node);
        _byKey.Remove(node.Value.Key);
        _bytes -= node.Value.Size;
    }

    private sealed record Slot(string Key, CachedResult Entry, long Size, DateTimeOffset ExpiresAt);
}
