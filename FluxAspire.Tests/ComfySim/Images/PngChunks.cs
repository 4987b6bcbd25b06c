using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace FluxAspire.Tests.ComfySim.Images;

/// <summary>Reads a PNG's chunk list (type, data) and checks each chunk's CRC.</summary>
internal static class PngChunks
{
    public static IReadOnlyList<(string Type, byte[] Data)> Read(byte[] png)
    {
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], png[..8]);
        var chunks = new List<(string, byte[])>();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png[(offset + 8)..(offset + 8 + length)];
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(Crc32.HashToUInt32(png.AsSpan(offset + 4, 4 + length)), crc);
            chunks.Add((type, data));
            offset += 12 + length;
        }

        return chunks;
    }

    public static (string Keyword, string Text) ParseText(byte[] data)
    {
        var nul = Array.IndexOf(data, (byte)0);
        return (Encoding.Latin1.GetString(data, 0, nul), Encoding.Latin1.GetString(data, nul + 1, data.Length - nul - 1));
    }
}
