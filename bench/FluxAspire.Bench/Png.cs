using System.Buffers.Binary;

namespace FluxAspire.Bench;

internal static class Png
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Width and height from the IHDR chunk, or null when the bytes are not a PNG.</summary>
    public static (int Width, int Height)? Size(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 24 && bytes[..8].SequenceEqual(Signature) && bytes.Slice(12, 4).SequenceEqual("IHDR"u8)
            ? (BinaryPrimitives.ReadInt32BigEndian(bytes[16..]), BinaryPrimitives.ReadInt32BigEndian(bytes[20..]))
            : null;

    /// <summary>Throws unless the bytes are a PNG of the requested size: a wrong answer counts as a failed request.</summary>
    public static int Check(ReadOnlySpan<byte> bytes, int size) =>
        Size(bytes) == (size, size) ? bytes.Length : throw new InvalidDataException($"not a {size}x{size} PNG ({bytes.Length} bytes)");
}
