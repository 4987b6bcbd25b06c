using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>
/// ComfyUI's binary WebSocket frames (protocol §7.4): event 4, PREVIEW_IMAGE_WITH_METADATA (u32 metadata length, UTF-8
/// JSON naming prompt_id, node_id and image_type, then the image), which the API negotiates on connect; and event 1,
/// PREVIEW_IMAGE (u32 image type, 1 = JPEG, 2 = PNG, then the image), which older servers send and which names no prompt,
/// so it belongs to the prompt the socket last heard of. Every other frame is ignored.
/// </summary>
public static class ComfyPreviewFrame
{
    /// <summary>The <see cref="ComfyMessage.Type"/> of a preview; ComfyUI has no text message of that name.</summary>
    public const string MessageType = "binary_preview";

    /// <summary>The first text message the API sends on a new socket: previews then come with their prompt_id (event 4).</summary>
    public const string Negotiation = """{"type":"feature_flags","data":{"supports_preview_metadata":true}}""";

    /// <summary>Frames larger than this are not previews a browser wants (SaveImageWebsocket's full-size PNGs).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>A preview message ({prompt_id, node, image_type} and <see cref="ComfyMessage.Image"/>), or null.</summary>
    public static ComfyMessage? TryParse(ReadOnlySpan<byte> frame, string? currentPromptId, DateTimeOffset receivedAt)
    {
        if (frame.Length < 8)
        {
            return null;
        }

        var eventType = BinaryPrimitives.ReadUInt32BigEndian(frame);
        var header = BinaryPrimitives.ReadUInt32BigEndian(frame[4..]);
        switch (eventType)
        {
            case 1 when header is 1 or 2 && currentPromptId is not null && frame.Length > 8:
                return Preview(currentPromptId, null, header == 1 ? "image/jpeg" : "image/png", frame[8..], receivedAt);
            case 4 when header <= (uint)(frame.Length - 8):
                var metadataLength = (int)header;
                JsonObject? metadata;
                try
                {
                    metadata = JsonNode.Parse(frame.Slice(8, metadataLength)) as JsonObject;
                }
                catch (JsonException)
                {
                    return null;
                }

                var image = frame[(8 + metadataLength)..];
                if (metadata is null || ComfyValues.AsString(metadata["prompt_id"]) is not { } promptId || image.IsEmpty)
                {
                    return null;
                }

                var contentType = ComfyValues.AsString(metadata["image_type"]) is "image/png" ? "image/png" : "image/jpeg";
                var node = ComfyValues.AsString(metadata["display_node_id"]) ?? ComfyValues.AsString(metadata["node_id"]);
                return Preview(promptId, node, contentType, image, receivedAt);
            default:
                return null;
        }
    }

    private static ComfyMessage Preview(string promptId, string? node, string contentType, ReadOnlySpan<byte> image, DateTimeOffset at) =>
        new(MessageType, new JsonObject { ["prompt_id"] = promptId, ["node"] = node, ["image_type"] = contentType }, at)
        {
            Image = image.ToArray(),
        };
}
