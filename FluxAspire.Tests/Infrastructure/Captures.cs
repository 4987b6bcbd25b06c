using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// The real ComfyUI 0.3.64 traffic (probe.json, prose trimmed): one record per probe step, found by its "kind"
/// (e.g. "http:validate:below_min", "ws:run1_cold"). Records keep method, path, status, content_type, request, body,
/// and for WebSocket steps the messages each socket saw.
/// </summary>
public static class Captures
{
    private static readonly Lazy<JsonArray> Records = new(() =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.TestData("comfyui-captures", "probe.json")))!.AsArray());

    public static IEnumerable<JsonObject> All => Records.Value.Select(r => r!.AsObject());

    public static JsonObject Get(string kind) =>
        All.SingleOrDefault(r => (string?)r["kind"] == kind) ?? throw new KeyNotFoundException($"no capture of kind '{kind}'");

    public static IEnumerable<JsonObject> WithPrefix(string prefix) => All.Where(r => ((string?)r["kind"])?.StartsWith(prefix, StringComparison.Ordinal) == true);

    /// <summary>The captured request body, deep-cloned so a test may edit it.</summary>
    public static JsonObject Request(string kind) => Get(kind)["request"]!.DeepClone().AsObject();

    public static JsonNode? Body(string kind) => Get(kind)["body"]?.DeepClone();
}
