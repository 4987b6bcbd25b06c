using System.Buffers.Binary;
using System.Text;

namespace FluxAspire.ComfySim.Images;

/// <summary>Reads and inserts PNG <c>tEXt</c> chunks, for re-encoded files that must keep their metadata (upload/mask).</summary>
internal static class PngText
{
    private const int SignatureLength = 8;

    /// <summary>The tEXt chunks of a PNG in file order; empty for anything that is not a PNG.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Read(ReadOnlySpan<byte> png)
    {
        var texts = new List<KeyValuePair<string, string>>();
        if (png.Length < SignatureLength || png[1] != (byte)'P' || png[2] != (byte)'N' || png[3] != (byte)'G')
        {
            return texts;
        }

        for (var offset = SignatureLength; offset + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[offset..]);
            if (length < 0 || offset + 12 + length > png.Length) break;
            var data = png.Slice(offset + 8, length);
            if (png.Slice(offset + 4, 4).SequenceEqual("tEXt"u8) && data.IndexOf((byte)0) is var nul and >= 0)
            {
                texts.Add(new(Encoding.Latin1.GetString(data[..nul]), Encoding.Latin1.GetString(data[(nul + 1)..])));
            }

            offset += 12 + length;
        }

        return texts;
    }

    /// <summary>A copy of <paramref name="png"/> with tEXt chunks inserted right after IHDR, as PIL writes them.</summary>
    public static byte[] InsertAfterHeader(byte[] png, IReadOnlyList<KeyValuePair<string, string>> texts)
    {
        if (texts.Count == 0)
        {
            return png;
        }

        var headerEnd = SignatureLength + 12 + BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(SignatureLength));
        var output = new MemoryStream(png.Length + texts.Sum(t => t.Key.Length + t.Value.Length + 13));
        output.Write(png, 0, headerEnd);
        foreach (var (keyword, text) in texts)
        {
            PngWriter.WriteChunk(output, "tEXt"u8, Encoding.Latin1.GetBytes(keyword + "\0" + text));
        }

        output.Write(png, headerEnd, png.Length - headerEnd);
        return output.ToArray();
    }
}
