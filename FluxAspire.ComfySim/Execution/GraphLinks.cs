using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.ComfySim.Execution;

/// <summary>ComfyUI's is_link: a two-element array [source node id (string), output slot (integer)].</summary>
internal static class GraphLinks
{
    public static bool TryGetLink(JsonNode? value, out string nodeId, out int slot)
    {
        nodeId = "";
        slot = 0;
        if (value is not JsonArray { Count: 2 } array ||
            array[0] is not JsonValue idValue || idValue.GetValueKind() != JsonValueKind.String ||
            array[1] is not JsonValue slotValue || slotValue.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        nodeId = idValue.GetValue<string>();
        return int.TryParse(slotValue.ToJsonString(), out slot);
    }

    public static JsonObject Inputs(JsonObject graph, string nodeId) =>
        graph[nodeId]?["inputs"] as JsonObject ?? [];

    public static string ClassType(JsonObject graph, string nodeId) =>
        graph[nodeId]?["class_type"]?.GetValue<string>() ?? "";
}
