using System.Buffers.Binary;
using System.IO.Compression;

namespace FluxAspire.ComfySim.Images;

/// <summary>
/// A PNG as large and as incompressible as a real FLUX.1-dev output (1.2–2.6 MB at 1024²), for benchmarks that must
/// carry real bytes: about 1.7 MB at 1024², proportional to width × height, deterministic in its seed.
/// </summary>
/// <remarks>
/// zlib needs 15–30 ms to search a megapixel of noise for matches, which would make the simulator the bottleneck of a
/// benchmark. So the zlib stream is assembled by hand: 54 of every 100 rows are fresh noise in stored deflate blocks
/// (no search at all), and every other row repeats the row above it (PNG filter Up with zero residuals), a few bytes of
/// real deflate compressed once per image. That costs a couple of milliseconds, mostly the Adler-32 of the noise.
/// </remarks>
internal static class NoisePng
{
    /// <summary>54 % stored noise rows of 3 bytes a pixel make ≈1.7 MB at 1024², the middle of FLUX.1-dev's range.</summary>
    private const int NoiseRowsPerHundred = 54;

    private const int MaxStoredBlock = ushort.MaxValue;

    /// <summary>The last size's repeat row: benchmarks ask for one size over and over.</summary>
    private static RepeatRow? _lastRepeatRow;

    public static byte[] Encode(int width, int height, ulong seed, IReadOnlyList<KeyValuePair<string, string>> textChunks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var stride = 1 + width * 3;
        var repeatRow = CompressedRepeatRow(stride);
        var noiseRows = 0;
        for (var y = 0; y < height; y++)
        {
            noiseRows += IsNoiseRow(y) ? 1 : 0;
        }

        var storedBlocksPerRow = (stride + MaxStoredBlock - 1) / MaxStoredBlock;
        var zlib = new byte[2 + noiseRows * ((long)stride + 5 * storedBlocksPerRow) + (height - noiseRows) * (long)repeatRow.Length + 5 + 4];
        zlib[0] = 0x78; // deflate, 32 KiB window
        zlib[1] = 0x01; // no preset dictionary, fastest; (0x78 * 256 + 0x01) % 31 == 0 as zlib requires
        var at = 2;
        var adler = new Adler32();
        var random = new NoiseBytes(seed);
        for (var y = 0; y < height; y++)
        {
            if (!IsNoiseRow(y))
            {
                repeatRow.CopyTo(zlib.AsSpan(at));
                at += repeatRow.Length;
                adler.Append(2); // filter Up…
                adler.AppendZeros(stride - 1); // …and nothing added to the row above
                continue;
            }

            for (var rowOffset = 0; rowOffset < stride; rowOffset += MaxStoredBlock)
            {
                var length = Math.Min(MaxStoredBlock, stride - rowOffset);
                at += WriteStoredHeader(zlib.AsSpan(at), length, final: false);
                var block = zlib.AsSpan(at, length);
                random.Fill(block);
                if (rowOffset == 0)
                {
                    block[0] = 0; // filter None: the noise is the pixels
                }

                adler.Append(block);
                at += length;
            }
        }

        at += WriteStoredHeader(zlib.AsSpan(at), 0, final: true);
        BinaryPrimitives.WriteUInt32BigEndian(zlib.AsSpan(at), adler.Value);
        at += 4;
        return PngWriter.Assemble(width, height, textChunks, zlib.AsSpan(0, at));
    }

    private static bool IsNoiseRow(int y) => y * (long)NoiseRowsPerHundred % 100 < NoiseRowsPerHundred;

    /// <summary>A stored block's header: BFINAL and BTYPE 00 padded to a byte, then LEN and its complement.</summary>
    private static int WriteStoredHeader(Span<byte> target, int length, bool final)
    {
        target[0] = final ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(target[1..], (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(target[3..], (ushort)~length);
        return 5;
    }

    /// <summary>
    /// Raw deflate of one row "filter Up, all zero", ended by a sync flush: non-final blocks that end on a byte boundary,
    /// so stored blocks can follow. Its matches reach back only inside the row, so it is valid anywhere in the stream.
    /// </summary>
    private static byte[] CompressedRepeatRow(int stride)
    {
        if (_lastRepeatRow is { } last && last.Stride == stride)
        {
            return last.Blocks;
        }

        var row = new byte[stride];
        row[0] = 2;
        var output = new MemoryStream();
        var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true);
        deflate.Write(row);
        deflate.Flush();
        var blocks = output.ToArray(); // taken before Dispose, which would append a final block
        deflate.Dispose();
        _lastRepeatRow = new RepeatRow(stride, blocks);
        return blocks;
    }

    private sealed record RepeatRow(int Stride, byte[] Blocks);

    /// <summary>zlib's checksum of the uncompressed stream (RFC 1950).</summary>
    private struct Adler32()
    {
        private const uint Modulus = 65521;
        private const int MaxRun = 5552; // the most bytes before the sums can overflow 32 bits

        private uint _a = 1;
        private uint _b;

        public readonly uint Value => _b << 16 | _a;

        public void Append(byte value)
        {
            _a = (_a + value) % Modulus;
            _b = (_b + _a) % Modulus;
        }

        /// <summary>Zeros leave the first sum alone and add it to the second once each.</summary>
        public void AppendZeros(long count) => _b = (uint)((_b + count % Modulus * _a) % Modulus);

        public void Append(ReadOnlySpan<byte> data)
        {
            uint a = _a, b = _b;
            while (data.Length > 0)
            {
                var run = data[..Math.Min(MaxRun, data.Length)];
                foreach (var value in run)
                {
                    a += value;
                    b += a;
                }

                a %= Modulus;
                b %= Modulus;
                data = data[run.Length..];
            }

            (_a, _b) = (a, b);
        }
    }

    /// <summary>SplitMix64 output, eight bytes a step.</summary>
    private struct NoiseBytes(ulong seed)
    {
        private ulong _state = seed;

        public void Fill(Span<byte> target)
        {
            Span<byte> word = stackalloc byte[8];
            while (target.Length > 0)
            {
                _state += 0x9E3779B97F4A7C15UL;
                var value = SimulatedPicture.Mix(_state);
                if (target.Length >= 8)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(target, value);
                    target = target[8..];
                    continue;
                }

                BinaryPrimitives.WriteUInt64LittleEndian(word, value);
                word[..target.Length].CopyTo(target);
                target = [];
            }
        }
    }
}
