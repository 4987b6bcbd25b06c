namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// The job state changes, each one Lua script so it is atomic across replicas: a status change, its event and the wake-up
/// happen together or not at all. KEYS[1] is the job hash, KEYS[2] its event stream.
/// </summary>
internal static class RedisJobScripts
{
    // Starts on a new line: a raw string before it ends without one.
    private const string AddEvent = "\nredis.call('XADD', KEYS[2], 'MAXLEN', '~', 1000, '*', ";

    /// <summary>ARGV: request, deadline ms, created ms, ttl ms, channel, id, retain outputs (1/0). 1 = added, 0 = the id is taken.</summary>
    public const string Add = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[1], 'request', ARGV[1], 'deadline', ARGV[2], 'created', ARGV[3], 'status', 'queued', 'attempts', 0, 'retain', ARGV[7])
        """ + AddEvent + """
        'kind', 'status', 'status', 'queued', 'at', ARGV[3], 'attempt', 0)
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        redis.call('PUBLISH', ARGV[5], ARGV[6])
        return 1
        """;

    /// <summary>
    /// ARGV: replica, now ms, channel, id. 1 = started; a job still marked running belonged to a lost replica and is taken
    /// over. 0 = it has ended (cancelled meanwhile) or is unknown.
    /// </summary>
    public const string Start = """
        local status = redis.call('HGET', KEYS[1], 'status')
        if status ~= 'queued' and status ~= 'running' then return 0 end
        local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0') + 1
        redis.call('HDEL', KEYS[1], 'progress')
        redis.call('HSET', KEYS[1], 'status', 'running', 'started', ARGV[2], 'replica', ARGV[1], 'attempts', attempts)
        """ + AddEvent + """
        'kind', 'status', 'status', 'running', 'at', ARGV[2], 'attempt', attempts)
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    /// <summary>ARGV: progress json, now ms, channel, id. Ignored unless the job runs.</summary>
    public const string Progress = """
        if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
        redis.call('HSET', KEYS[1], 'progress', ARGV[1])
        """ + AddEvent + """
        'kind', 'progress', 'status', 'running', 'at', ARGV[2], 'progress', ARGV[1], 'attempt', redis.call('HGET', KEYS[1], 'attempts'))
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    /// <summary>ARGV: preview json (step, max, node, content type), image bytes, now ms, channel, id. Ignored unless the job runs.</summary>
    public const string Preview = """
        if redis.call('HGET', KEYS[1], 'status') ~= 'running' then return 0 end
        """ + AddEvent + """
        'kind', 'preview', 'status', 'running', 'at', ARGV[3], 'preview', ARGV[1], 'image', ARGV[2], 'attempt', redis.call('HGET', KEYS[1], 'attempts'))
        redis.call('PUBLISH', ARGV[4], ARGV[5])
        return 1
        """;

    /// <summary>
    /// ARGV: final status, now ms, result description or '', failure or '', ttl ms, channel, id, result retention ms, then
    /// the bytes of each output; KEYS[3..] are their keys. The outputs are written only if this call ends the job, and
    /// kept for the ttl (POST /jobs, 'retain') or the result retention. 1 = this call ended it.
    /// </summary>
    public const string Complete = """
        local status = redis.call('HGET', KEYS[1], 'status')
        if status ~= 'queued' and status ~= 'running' then return 0 end
        local keep = ARGV[8]
        if redis.call('HGET', KEYS[1], 'retain') == '1' then keep = ARGV[5] end
        for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 6], 'PX', math.max(1, tonumber(keep))) end
        redis.call('HSET', KEYS[1], 'status', ARGV[1], 'finished', ARGV[2])
        if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'result', ARGV[3]) end
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'failure', ARGV[4]) end
        """ + AddEvent + """
        'kind', 'ended', 'status', ARGV[1], 'at', ARGV[2], 'attempt', redis.call('HGET', KEYS[1], 'attempts'))
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        redis.call('PUBLISH', ARGV[6], ARGV[7])
        return 1
        """;

    /// <summary>The whole hash once the job has ended (one round trip for a waiter that wakes); 0 while it runs or waits, -1 when unknown.</summary>
    public const string ReadIfEnded = """
        local status = redis.call('HGET', KEYS[1], 'status')
        if not status then return -1 end
        if status == 'queued' or status == 'running' then return 0 end
        return redis.call('HGETALL', KEYS[1])
        """;

    /// <summary>ARGV: replica, now ms, channel, id. Puts a job this replica runs back to queued (shutting down). 1 = done.</summary>
    public const string Requeue = """
        if redis.call('HGET', KEYS[1], 'status') ~= 'running' or redis.call('HGET', KEYS[1], 'replica') ~= ARGV[1] then return 0 end
        redis.call('HSET', KEYS[1], 'status', 'queued')
        redis.call('HDEL', KEYS[1], 'progress')
        """ + AddEvent + """
        'kind', 'status', 'status', 'queued', 'at', ARGV[2], 'attempt', redis.call('HGET', KEYS[1], 'attempts'))
        redis.call('PUBLISH', ARGV[3], ARGV[4])
        return 1
        """;

    /// <summary>
    /// KEYS[1]: the work stream. ARGV: consumer group, job id, the farthest place counted. The job's place among the entries
    /// the group has not been handed yet (those after its last-delivered-id), 1 for the next; 0 when the job is not among
    /// them (taken, or more than ARGV[3] places back). Read-only: it walks the waiting entries up to the job.
    /// </summary>
    public const string QueuePosition = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        local last = '0-0'
        for _, group in ipairs(redis.call('XINFO', 'GROUPS', KEYS[1])) do
          local name, delivered
          for i = 1, #group, 2 do
            if group[i] == 'name' then name = group[i + 1] elseif group[i] == 'last-delivered-id' then delivered = group[i + 1] end
          end
          if name == ARGV[1] then last = delivered end
        end
        local limit = tonumber(ARGV[3])
        local place = 0
        local from = '(' .. last
        while place < limit do
          local entries = redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', 100)
          if #entries == 0 then return 0 end
          for _, entry in ipairs(entries) do
            place = place + 1
            local fields = entry[2]
            for i = 1, #fields, 2 do
              if fields[i] == 'job' and fields[i + 1] == ARGV[2] then return place end
            end
          end
          from = '(' .. entries[#entries][1]
        end
        return 0
        """;
}
