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

    /// <summary>How long POST /jobs/{id}/cancel waits for a running job to stop, so its answer says "canceled".</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CancelWait { get; set; } = TimeSpan.FromSeconds(10);
}
