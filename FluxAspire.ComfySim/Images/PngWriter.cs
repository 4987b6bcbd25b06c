using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace FluxAspire.ComfySim.Images;

/// <summary>
/// Writes an <see cref="RgbCanvas"/> as an 8-bit RGB PNG (colour type 2) with chunks in ComfyUI's (PIL's) order:
/// IHDR, the tEXt chunks in the given order, IDAT chunks of at most 64 KiB, IEND.
/// </summary>
internal static class PngWriter
{
    private const int IdatChunkSize = 65536;
    private const int ChunkOverhead = 12; // length, type, CRC
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Encodes the canvas; the canvas's scanlines are filtered in place and must not be drawn on afterwards.</summary>
    public static byte[] Encode(RgbCanvas canvas, IReadOnlyList<KeyValuePair<string, string>> textChunks, int compressLevel)
    {
        ApplySubFilter(canvas);
        var compressed = new MemoryStream(canvas.Stride * canvas.Height / 16 + 1024);
        // Our pictures are flat runs after the Sub filter, so run-length matching (zlib's Z_RLE, which ignores the
        // level apart from 0 = stored) finds nearly everything a hash search would, many times faster.
        using (var zlib = new ZLibStream(compressed, new ZLibCompressionOptions
        {
            CompressionLevel = Math.Clamp(compressLevel, 0, 9),
            CompressionStrategy = ZLibCompressionStrategy.RunLengthEncoding,
        }, leaveOpen: true))
        {
            zlib.Write(canvas.Scanlines);
        }

        return Assemble(canvas.Width, canvas.Height, textChunks, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
    }

    /// <summary>The PNG file around an already compressed (zlib) RGB image stream, written into an array of its exact size.</summary>
    public static byte[] Assemble(int width, int height, IReadOnlyList<KeyValuePair<string, string>> textChunks, ReadOnlySpan<byte> data)
    {
        // tEXt is Latin-1: keyword, NUL, text. ComfyUI's JSON is ASCII-escaped, so nothing is lost in practice.
        var texts = textChunks.Select(chunk => Encoding.Latin1.GetBytes(chunk.Key + "\0" + chunk.Value)).ToList();
        var idatChunks = (data.Length + IdatChunkSize - 1) / IdatChunkSize;
        var png = new byte[Signature.Length + (ChunkOverhead + 13) + texts.Sum(t => ChunkOverhead + t.Length)
            + idatChunks * ChunkOverhead + data.Length + ChunkOverhead];
        var output = new MemoryStream(png);
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR"u8, header);

        foreach (var text in texts)
        {
            WriteChunk(output, "tEXt"u8, text);
        }

        for (var offset = 0; offset < data.Length; offset += IdatChunkSize)
        {
            WriteChunk(output, "IDAT"u8, data.Slice(offset, Math.Min(IdatChunkSize, data.Length - offset)));
        }

        WriteChunk(output, "IEND"u8, []);
        return output.Position == png.Length ? png : throw new InvalidOperationException("PNG size miscounted");
    }

    internal static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32(); // PNG's CRC is over the chunk type and data, not the length
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }

    /// <summary>PNG filter type 1 (Sub) on every row: each byte minus the byte one pixel to its left.</summary>
    private static void ApplySubFilter(RgbCanvas canvas)
    {
        var width = canvas.Width * 3;
        for (var y = 0; y < canvas.Height; y++)
        {
            var scanline = canvas.Scanlines.Slice(y * canvas.Stride, canvas.Stride);
            scanline[0] = 1;
            var row = scanline[1..];
            // Right to left, so every subtraction still reads the unfiltered left neighbour.
            var i = width - Vector<byte>.Count;
            ref var start = ref MemoryMarshal.GetReference(row);
            for (; i >= 3; i -= Vector<byte>.Count)
            {
                var current = Vector.LoadUnsafe(ref start, (nuint)i);
                var left = Vector.LoadUnsafe(ref start, (nuint)(i - 3));
                (current - left).StoreUnsafe(ref start, (nuint)i);
            }

            for (var j = Math.Min(i + Vector<byte>.Count, width) - 1; j >= 3; j--)
            {
                row[j] -= row[j - 3];
            }
        }
    }
}
