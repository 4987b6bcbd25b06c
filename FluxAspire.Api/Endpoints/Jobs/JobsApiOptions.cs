using System.ComponentModel.DataAnnotations;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>The Jobs API's own settings, bound from the "Jobs" section beside <see cref="JobsOptions"/>.</summary>
public sealed class JobsApiOptions
{
    public const string SectionName = "Jobs";

    /// <summary>How often GET /jobs/{id}/events writes a comment line while nothing happens, so proxies keep the stream open.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan EventsKeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often GET /jobs/{id}/events re-reads the place of a queued job and sends a "queue" event when it changed. Only
    /// streams of queued jobs read it (with Redis, one read-only script over the waiting work entries ahead of the job).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan QueuePositionInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long POST /jobs/{id}/cancel waits for a running job to stop, so its answer says "canceled".</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CancelWait { get; set; } = TimeSpan.FromSeconds(10);
}
