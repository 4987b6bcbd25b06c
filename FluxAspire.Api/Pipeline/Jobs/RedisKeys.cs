using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>Every Redis key and channel the job cluster uses, under one prefix.</summary>
internal static class RedisKeys
{
    public const string Prefix = "fluxaspire:";

    /// <summary>The consumer group every replica reads <see cref="Work"/> in.</summary>
    public const string WorkersGroup = "workers";

    /// <summary>Job ids waiting for a replica, as a stream read by the <see cref="WorkersGroup"/> consumer group.</summary>
    public static readonly RedisKey Work = Prefix + "work";

    /// <summary>Jobs only their accepting replica may run (their upload credentials are in its memory), read through the
    /// <see cref="WorkersGroup"/> group too: each entry is taken by the replica that adds it, in the same script, and by
    /// another replica only once its lease has lapsed.</summary>
    public static readonly RedisKey PinnedWork = Prefix + "pinned-work";

    /// <summary>Published with a job id whenever that job's status changes to queued or running.</summary>
    public static readonly RedisChannel JobChanged = RedisChannel.Literal(Prefix + "job-changed");

    /// <summary>Published with a job id when that job ends. A channel of its own, so a waiter for the end (a synchronous
    /// request) wakes once, not at every status change.</summary>
    public static readonly RedisChannel JobEnded = RedisChannel.Literal(Prefix + "job-ended");

    /// <summary>Published with a job id on each sampler step; only event streams wait for these.</summary>
    public static readonly RedisChannel JobProgressed = RedisChannel.Literal(Prefix + "job-progressed");

    /// <summary>Published when work is queued, so idle replicas take it without waiting for their next poll.</summary>
    public static readonly RedisChannel WorkAdded = RedisChannel.Literal(Prefix + "work-added");

    /// <summary>Published with "id\nreason" to stop a job on whichever replica runs it.</summary>
    public static readonly RedisChannel Cancel = RedisChannel.Literal(Prefix + "cancel");

    /// <summary>POST /jobs jobs by creation time (ms), for GET /jobs; members past the longest job life are trimmed on add.</summary>
    public static readonly RedisKey Recent = Prefix + "recent-jobs";

    /// <summary>The job's hash: request, status, times, attempts, replica, progress, result description, failure.</summary>
    public static RedisKey Job(string id) => $"{Prefix}job:{id}";

    /// <summary>The job's event log, a stream; its entry ids are the SSE event ids.</summary>
    public static RedisKey Events(string id) => $"{Prefix}job:{id}:events";

    /// <summary>Output file <paramref name="index"/> of a succeeded job, raw bytes.</summary>
    public static RedisKey Output(string id, int index) => $"{Prefix}job:{id}:out:{index}";

    public static RedisKey Idempotency(string key) => $"{Prefix}idempotency:{key}";
}
