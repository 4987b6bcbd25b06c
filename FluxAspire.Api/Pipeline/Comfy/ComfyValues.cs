using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>Lenient readers for ComfyUI values: ids may be strings or numbers, numbers may be int or float.</summary>
public static class ComfyValues
{
    public static string? AsString(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    public static long? AsInt64(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }

        return decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) &&
               d >= long.MinValue && d <= long.MaxValue
            ? (long)decimal.Truncate(d)
            : null;
    }

    public static bool AsBool(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() is JsonValueKind.True;

    public static IReadOnlyList<string> AsStrings(JsonNode? node) =>
        node is JsonArray array ? array.Select(AsString).OfType<string>().ToList() : [];
}
