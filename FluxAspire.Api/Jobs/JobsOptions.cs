using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Jobs;

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

    /// <summary>How long a finished job (its id and status) stays in the store after it ended.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromMinutes(5);
}
