using FluxAspire.Api.Pipeline.Jobs;
using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>
/// The store when Redis is configured, shared by every replica: one hash per entry, "fluxaspire:cache:&lt;key&gt;", in
/// <see cref="CachedResultFormat"/>, and one key of raw bytes per output file. The bytes cross the network once: a job
/// whose waiter ran on the same replica never wrote them to Redis, and they are written here; a job that did (a waiter
/// elsewhere, POST /jobs) has them copied inside Redis. The entry has keys of its own rather than naming the job's:
/// a job id can be reused once its job has expired, and its new outputs must not become an old entry's. Redis trouble
/// surfaces as exceptions, which <see cref="ResultCache"/> turns into a miss or a dropped write.
/// </summary>
public sealed class RedisResultCacheStore(IServiceProvider services) : IResultCacheStore
{
    public const string KeyPrefix = "fluxaspire:cache:";

    /// <summary>KEYS: the job's output keys, then the entry's file keys; ARGV: ttl ms, then each file's length. Copies the
    /// outputs the job left in Redis (with that length) to the entry's keys with the ttl; returns the (1-based) indexes
    /// of the others, whose bytes are to be written.</summary>
    private const string CopyFiles = """
        local n = #KEYS / 2
        local missing = {}
        for i = 1, n do
          if redis.call('STRLEN', KEYS[i]) == tonumber(ARGV[i + 1]) then
            redis.call('COPY', KEYS[i], KEYS[n + i], 'REPLACE')
            redis.call('PEXPIRE', KEYS[n + i], ARGV[1])
          else
            missing[#missing + 1] = i
          end
        end
        return missing
        """;

    public string Kind => "redis";

    public async Task<CachedResult?> GetAsync(string key, CancellationToken cancellationToken)
    {
        // The first use may resolve the connection, which can block for a connect timeout; yielding keeps that inside
        // the caller's timeout.
        await Task.Yield();
        var db = Database();
        if ((byte[]?)await db.HashGetAsync(KeyPrefix + key, CachedResultFormat.MetaField) is not { } meta
            || CachedResultFormat.ReadFiles(meta) is not { } files)
        {
            return null;
        }

        var contents = await Task.WhenAll(files.Select(f => db.StringGetAsync(f.Key)));
        return CachedResultFormat.Read(meta, [.. contents.Select(c => (byte[]?)c)]);
    }

    public async Task SetAsync(string key, CachedResult entry, TimeSpan ttl, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var db = Database();
        var entryKey = KeyPrefix + key;
        var count = entry.Files.Count;
        RedisKey[] keys =
        [
            .. entry.Files.Select((_, i) => RedisKeys.Output(entry.JobId, i)),
            .. entry.Files.Select((_, i) => (RedisKey)CachedResultFormat.FileKey(entryKey, i)),
        ];
        RedisValue[] args = [(long)ttl.TotalMilliseconds, .. entry.Files.Select(f => (RedisValue)f.Content.Length)];
        var missing = (int[]?)await db.ScriptEvaluateAsync(CopyFiles, keys, args) ?? [];

        // The missing files, then the entry that names them, pipelined: Redis runs them in this order.
        var contiguous = missing.Select(i => entry.Files[i - 1].Content.Contiguous()).ToList();
        var writes = missing.Select((i, n) => db.StringSetAsync(keys[count + i - 1], (ReadOnlyMemory<byte>)contiguous[n].Memory, ttl)).ToList();
        var transaction = db.CreateTransaction();
        // Delete first, so nothing of an earlier entry under this key survives.
        var queued = new Task[]
        {
            transaction.KeyDeleteAsync(entryKey),
            transaction.HashSetAsync(entryKey, CachedResultFormat.MetaField, CachedResultFormat.WriteMeta(entryKey, entry)),
            transaction.KeyExpireAsync(entryKey, ttl),
        };
        try
        {
            var executed = transaction.ExecuteAsync();
            await Task.WhenAll(writes);
            await executed;
            // Only once Redis has answered is the client done with them; after a failure they are left to the GC.
            contiguous.ForEach(c => c.Dispose());
        }
        finally
        {
            // Observe the queued commands' outcome (cancelled when the transaction did not run).
            await Task.WhenAll(queued).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        await Task.WhenAll(queued);
    }

    private IDatabase Database() => services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
}
