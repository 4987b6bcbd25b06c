using System.Buffers.Binary;

namespace FluxAspire.Bench;

internal static class Png
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Width and height from the IHDR chunk, or null when the bytes are not a PNG.</summary>
    public static (int Width, int Height)? Size(byte[] bytes) =>
        bytes.Length >= 24 && bytes.AsSpan(0, 8).SequenceEqual(Signature) && bytes.AsSpan(12, 4).SequenceEqual("IHDR"u8)
            ? (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)))
            : null;
}
