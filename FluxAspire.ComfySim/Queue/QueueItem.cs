using System.Text.Json.Nodes;

namespace FluxAspire.ComfySim.Queue;

/// <summary>
/// ComfyUI's queue tuple (number, prompt_id, prompt, extra_data, outputs_to_execute). The graph and extra_data are
/// serialized once when queued, so GET /queue and history never touch the objects the worker reads.
/// </summary>
/// <param name="Number">The priority for ordering.</param>
/// <param name="NumberJson">The priority as ComfyUI writes it: 3 when server-assigned, 5.0 when the client gave one.</param>
public sealed record QueueItem(
    double Number,
    string NumberJson,
    string PromptId,
    JsonObject Graph,
    JsonObject ExtraData,
    IReadOnlyList<string> OutputsToExecute)
{
    public string GraphJson { get; } = ComfyJson.Serialize(Graph);

    public string ExtraDataJson { get; } = ComfyJson.Serialize(ExtraData);

    /// <summary>The client_id the worker targets: null (broadcast mode) when absent or JSON null.</summary>
    public string? ClientId { get; } = ExtraData["client_id"] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        var other => other.ToJsonString(), // ComfyUI targets sid == str(value): no socket ever has it
    };

    /// <summary>The 5-element JSON array [number, prompt_id, prompt, extra_data, outputs_to_execute].</summary>
    public string ToJsonArray() =>
        $"[{NumberJson},{ComfyJson.Serialize(JsonValue.Create(PromptId))},{GraphJson},{ExtraDataJson}," +
        $"{ComfyJson.Serialize(new JsonArray([.. OutputsToExecute.Select(o => (JsonNode)JsonValue.Create(o)!)]))}]";

    /// <summary>heapq compares the tuples: number first, then prompt_id (Python str order).</summary>
    public int CompareTo(QueueItem other)
    {
        var byNumber = Number.CompareTo(other.Number);
        return byNumber != 0 ? byNumber : string.CompareOrdinal(PromptId, other.PromptId);
    }
}
