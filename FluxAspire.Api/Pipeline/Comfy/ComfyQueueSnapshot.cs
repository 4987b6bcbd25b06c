using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>GET /queue reduced to prompt ids: items are [number, prompt_id, prompt, extra_data, outputs].</summary>
public sealed record ComfyQueueSnapshot(IReadOnlyList<string> Running, IReadOnlyList<string> Pending)
{
    public bool Contains(string promptId) => Running.Contains(promptId) || Pending.Contains(promptId);

    public static ComfyQueueSnapshot Parse(JsonObject body) => new(Ids(body["queue_running"]), Ids(body["queue_pending"]));

    private static List<string> Ids(JsonNode? items) =>
        (items as JsonArray ?? []).OfType<JsonArray>().Where(i => i.Count > 1).Select(i => ComfyValues.AsString(i[1])).OfType<string>().ToList();
}
