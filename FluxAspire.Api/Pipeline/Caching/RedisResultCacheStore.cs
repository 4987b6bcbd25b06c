using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>
/// The store when Redis is configured, shared by every replica: one hash per entry, "fluxaspire:cache:&lt;key&gt;", in
/// <see cref="CachedResultFormat"/> (binary file fields), replaced and given its TTL in one MULTI/EXEC. Redis trouble
/// surfaces as exceptions, which <see cref="ResultCache"/> turns into a miss or a dropped write.
/// </summary>
public sealed class RedisResultCacheStore(IServiceProvider services) : IResultCacheStore
{
    public const string KeyPrefix = "fluxaspire:cache:";

    public string Kind => "redis";

    public async Task<CachedResult?> GetAsync(string key, CancellationToken cancellationToken)
    {
        // The first use may resolve the connection, which can block for a connect timeout; yielding keeps that inside
        // the caller's timeout.
        await Task.Yield();
        var entries = await Database().HashGetAllAsync(KeyPrefix + key);
        return entries.Length == 0
            ? null
            : CachedResultFormat.Read(entries.ToDictionary(e => e.Name.ToString(), e => (byte[])e.Value!, StringComparer.Ordinal));
    }

    public async Task SetAsync(string key, CachedResult entry, TimeSpan ttl, CancellationToken cancellationToken)
    {
        await Task.Yield();
        RedisKey redisKey = KeyPrefix + key;
        var fields = CachedResultFormat.Write(entry).Select(f => new HashEntry(f.Name, f.Value)).ToArray();
        var transaction = Database().CreateTransaction();
        // Delete first, so no file field of an earlier entry with more files survives.
        var queued = new Task[]
        {
            transaction.KeyDeleteAsync(redisKey),
            transaction.HashSetAsync(redisKey, fields),
            transaction.KeyExpireAsync(redisKey, ttl),
        };
        try
        {
            await transaction.ExecuteAsync();
        }
        finally
        {
            GC.KeepAlive(entry);
            // Observe the queued commands' outcome (cancelled when the transaction did not run).
            await Task.WhenAll(queued).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        await Task.WhenAll(queued);
    }

    private IDatabase Database() => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
}
