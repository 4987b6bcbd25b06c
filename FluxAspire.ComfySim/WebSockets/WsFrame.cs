using System.Buffers;
using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.ComfySim.WebSockets;

/// <summary>One WebSocket message, serialized once and fanned out as the same bytes to every receiver.</summary>
public readonly record struct WsFrame(ReadOnlyMemory<byte> Bytes, WebSocketMessageType Type)
{
    /// <summary>A text frame <c>{"type": type, "data": data}</c>.</summary>
    public static WsFrame Json(string type, JsonNode data)
    {
        // Written without re-parenting data, so the same node can also go into history.
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("data");
            data.WriteTo(writer, ComfyJson.Options);
            writer.WriteEndObject();
        }

        return new(buffer.WrittenMemory, WebSocketMessageType.Text);
    }

    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = ComfyJson.Options.Encoder };

    /// <summary>Binary event 1 (PREVIEW_IMAGE): u32 BE 1, u32 BE image type (1 = JPEG), image bytes.</summary>
    public static WsFrame Preview(byte[] jpeg)
    {
        var bytes = new byte[8 + jpeg.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 1);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), 1);
        jpeg.CopyTo(bytes, 8);
        return new(bytes, WebSocketMessageType.Binary);
    }

    /// <summary>
    /// Binary event 4 (PREVIEW_IMAGE_WITH_METADATA): u32 BE 4, u32 BE metadata length, metadata JSON, image bytes.
    /// The metadata is written with Python's separators, as ComfyUI's json.dumps does.
    /// </summary>
    public static WsFrame PreviewWithMetadata(byte[] jpeg, string nodeId, string promptId)
    {
        var metadata = Encoding.UTF8.GetBytes(
            $"{{\"node_id\": {Quote(nodeId)}, \"prompt_id\": {Quote(promptId)}, \"display_node_id\": {Quote(nodeId)}, " +
            $"\"parent_node_id\": null, \"real_node_id\": {Quote(nodeId)}, \"image_type\": \"image/jpeg\"}}");
        var bytes = new byte[8 + metadata.Length + jpeg.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 4);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)metadata.Length);
        metadata.CopyTo(bytes, 8);
        jpeg.CopyTo(bytes, 8 + metadata.Length);
        return new(bytes, WebSocketMessageType.Binary);
    }

    private static string Quote(string s) => Execution.PythonText.JsonDumps(JsonValue.Create(s));
}
