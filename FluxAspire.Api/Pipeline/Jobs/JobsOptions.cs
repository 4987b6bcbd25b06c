using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>The job pipeline. Bound from the "Jobs" section.</summary>
public sealed class JobsOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Jobs handed to ComfyUI at once; the rest wait in our queue, where they can still be cancelled.</summary>
    [Range(1, 64)]
    public int Prefetch { get; set; } = 2;

    /// <summary>Deadline of a job, counted from when the request arrived (our queue wait included). Past it: 504.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a finished job keeps its output bytes, for the waiter that collects them (sync request, webhook,
    /// upload); after that only its status stays, until <see cref="Retention"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The most output bytes finished synchronous jobs keep in this replica's memory for <see cref="ResultRetention"/>;
    /// past it the oldest are dropped first (their waiters have them already). Without it, memory would grow with
    /// throughput × retention × image size.
    /// </summary>
    [Range(typeof(long), "0", "1099511627776")]
    public long ResultRetentionBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// The most output bytes jobs submitted with POST /jobs keep in this replica's memory for <see cref="Retention"/>;
    /// past it the oldest are dropped first (GET /jobs/{id}/outputs then answers 404, as after the retention).
    /// </summary>
    [Range(typeof(long), "0", "1099511627776")]
    public long RetentionBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// With Redis: how long a replica's hold on a job lasts without a heartbeat (renewed every third of it). A job whose
    /// replica was lost is taken over by another replica after this long, and run again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Starts of one job before it fails instead of being taken over again (each lost replica costs one).</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>On SIGTERM: how long running jobs may take to finish before they are handed back to the queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// With Redis: the least time between two progress writes of one job (the latest step wins; the last one before the
    /// job's end is always written). A FLUX step takes longer than this on a GPU, so every step is still seen; the
    /// simulator's instant steps no longer cost a Redis script each. Zero: every step.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// With Redis: how long a synchronous request waits for its job while Redis is unreachable, when the job is not
    /// running on this replica (it waits in Redis, or runs elsewhere); then 503. A job running here answers from memory.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StoreOutageWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The least time between two sampler previews passed on for one job (POST /jobs with "previews": true); the first
    /// always goes out. A FLUX step on a GPU takes longer than this, so each step's preview is seen. Zero: every preview.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan PreviewInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a finished job (its id and status) stays in the store after it ended.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(5);
}
