using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.ComfySim.Discovery;

/// <summary>The <c>__metadata__</c> object of a .safetensors header (ComfyUI's comfy.utils.safetensors_header, 1 MiB cap).</summary>
internal static class SafetensorsMetadata
{
    private const int MaxHeaderBytes = 1024 * 1024;

    public static JsonNode? Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> length = stackalloc byte[8];
            if (stream.ReadAtLeast(length, 8, throwOnEndOfStream: false) < 8)
            {
                return null;
            }

            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(length);
            if (headerLength > MaxHeaderBytes)
            {
                return null;
            }

            var header = new byte[headerLength];
            stream.ReadExactly(header);
            return JsonNode.Parse(header) is JsonObject json && json.TryGetPropertyValue("__metadata__", out var metadata)
                ? metadata?.DeepClone()
                : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
