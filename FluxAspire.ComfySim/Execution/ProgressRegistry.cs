using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using FluxAspire.ComfySim.WebSockets;

namespace FluxAspire.ComfySim.Execution;

/// <summary>
/// comfy_execution/progress.py: per-node progress of one prompt, sent as a <c>progress_state</c> snapshot of every
/// node that is not pending. Start writes 0.0/1.0 (floats), steps write integers, finish copies max into value.
/// </summary>
public sealed class ProgressRegistry(string promptId)
{
    private readonly List<string> _order = [];
    private readonly Dictionary<string, (string Value, string Max, string State)> _nodes = new(StringComparer.Ordinal);

    public WsFrame Start(string nodeId) => Set(nodeId, "0.0", "1.0", "running");

    public WsFrame Update(string nodeId, int value, int max) =>
        Set(nodeId, value.ToString(System.Globalization.CultureInfo.InvariantCulture), max.ToString(System.Globalization.CultureInfo.InvariantCulture), "running");

    public WsFrame Finish(string nodeId)
    {
        var max = _nodes.TryGetValue(nodeId, out var entry) ? entry.Max : "1"; // ensure_entry makes value 0, max 1 (ints)
        return Set(nodeId, max, max, "finished");
    }

    private WsFrame Set(string nodeId, string value, string max, string state)
    {
        if (!_nodes.ContainsKey(nodeId))
        {
            _order.Add(nodeId);
        }

        _nodes[nodeId] = (value, max, state);
        return Snapshot();
    }

    private WsFrame Snapshot()
    {
        var buffer = new ArrayBufferWriter<byte>(128 + 220 * _order.Count);
        using (var writer = new Utf8JsonWriter(buffer, WsFrame.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "progress_state");
            writer.WriteStartObject("data");
            writer.WriteString("prompt_id", promptId);
            writer.WriteStartObject("nodes");
            foreach (var id in _order)
            {
                var (value, max, state) = _nodes[id];
                writer.WriteStartObject(id);
                writer.WritePropertyName("value");
                writer.WriteRawValue(value, skipInputValidation: true);
                writer.WritePropertyName("max");
                writer.WriteRawValue(max, skipInputValidation: true);
                writer.WriteString("state", state);
                writer.WriteString("node_id", id);
                writer.WriteString("prompt_id", promptId);
                writer.WriteString("display_node_id", id);
                writer.WriteNull("parent_node_id");
                writer.WriteString("real_node_id", id);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return new WsFrame(buffer.WrittenMemory, WebSocketMessageType.Text);
    }
}
