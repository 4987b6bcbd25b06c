using System.Text.Json.Nodes;

namespace FluxAspire.Api.Jobs;

/// <summary>Everything a worker needs to run a job: the resolved ComfyUI graph (prefixes already rewritten) and timing.</summary>
/// <param name="Id">Our job id, also sent to ComfyUI as prompt_id.</param>
/// <param name="Graph">The API-format graph to queue.</param>
/// <param name="ReceivedAt">When the HTTP request arrived; the deadline and total_time count from here.</param>
/// <param name="PreprocessTime">Time spent validating and building the graph before the job existed.</param>
public sealed record JobRequest(string Id, JsonObject Graph, DateTimeOffset ReceivedAt, TimeSpan PreprocessTime)
{
    /// <summary>W3C trace parent of the submitting request, so the job's span joins its trace.</summary>
    public string? TraceParent { get; init; } = System.Diagnostics.Activity.Current?.Id;
}
