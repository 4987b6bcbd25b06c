using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline.Prompts;

/// <summary>The recipe's stats: durations in milliseconds; comfy_execution's start/end/node starts are epoch milliseconds.</summary>
public sealed record PromptStats(
    [property: JsonPropertyName("comfy_execution")] ComfyExecutionStats ComfyExecution,
    [property: JsonPropertyName("preprocess_time")] double PreprocessTime,
    [property: JsonPropertyName("comfy_round_trip_time")] double ComfyRoundTripTime,
    [property: JsonPropertyName("postprocess_time")] double PostprocessTime,
    [property: JsonPropertyName("upload_time")] double UploadTime,
    [property: JsonPropertyName("total_time")] double TotalTime)
{
    public static PromptStats From(JobStats stats) => new(
        new ComfyExecutionStats(stats.ComfyStart, stats.ComfyEnd, stats.ComfyEnd - stats.ComfyStart,
            new OrderedDictionary<string, NodeExecutionStats>(
                JavaScriptKeyOrder.Order(stats.NodeStarts, n => n.Key).Select(n => KeyValuePair.Create(n.Key, new NodeExecutionStats(n.Value))),
                StringComparer.Ordinal)),
        Ms(stats.Preprocess), Ms(stats.ComfyRoundTrip), Ms(stats.Postprocess), Ms(stats.Upload), Ms(stats.Total));

    private static double Ms(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);
}

public sealed record ComfyExecutionStats(
    [property: JsonPropertyName("start")] long Start,
    [property: JsonPropertyName("end")] long End,
    [property: JsonPropertyName("duration")] long Duration,
    [property: JsonPropertyName("nodes")] IReadOnlyDictionary<string, NodeExecutionStats> Nodes);

public sealed record NodeExecutionStats([property: JsonPropertyName("start")] long Start);
