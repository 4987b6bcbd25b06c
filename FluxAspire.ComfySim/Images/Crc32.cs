namespace FluxAspire.ComfySim.Images;

/// <summary>The CRC-32 of PNG chunks (ISO 3309 / zlib polynomial), slicing-by-4 for speed on large IDAT chunks.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second = default) =>
        ~Update(Update(0xFFFFFFFFu, first), second);

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        var i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            crc ^= (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            crc = table[768 + (crc & 0xFF)] ^ table[512 + (crc >> 8 & 0xFF)] ^ table[256 + (crc >> 16 & 0xFF)] ^ table[crc >> 24];
        }

        for (; i < data.Length; i++)
        {
            crc = table[(crc ^ data[i]) & 0xFF] ^ crc >> 8;
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[1024];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ c >> 1 : c >> 1;
            }

            table[n] = c;
        }

        for (var n = 0; n < 256; n++)
        {
            for (var s = 1; s < 4; s++)
            {
                var previous = table[(s - 1) * 256 + n];
                table[s * 256 + n] = table[previous & 0xFF] ^ previous >> 8;
            }
        }

        return table;
    }
}
