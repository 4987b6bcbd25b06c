using System.ComponentModel.DataAnnotations;

namespace FluxAspire.Api.Operations.Backpressure;

/// <summary>The queue limit. Bound from "Jobs:MaxQueueDepth"; the recipe's environment variable MAX_QUEUE_DEPTH, when
/// set, wins.</summary>
public sealed class BackpressureOptions
{
    public const string SectionName = "Jobs";

    public const string RecipeVariable = "MAX_QUEUE_DEPTH";

    /// <summary>Jobs that may wait (ours not yet handed to ComfyUI plus ComfyUI's queue_remaining) before /ready says
    /// 503 and new requests get 429. 0 means no limit.</summary>
    [Range(0, 100_000)]
    public int MaxQueueDepth { get; set; }

    /// <summary>Time per prompt assumed for Retry-After until one has been measured.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AssumedExecutionTime { get; set; } = TimeSpan.FromSeconds(15);
}
