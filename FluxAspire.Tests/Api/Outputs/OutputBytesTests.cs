using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Tests.Api.Outputs;

/// <summary>Output bytes read into chunks below the large-object threshold, and read back unchanged by every reader.</summary>
public class OutputBytesTests
{
    private static byte[] Noise(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A stream that hands out at most 1000 bytes per read, as a socket does.</summary>
    private sealed class Trickle(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1000)], cancellationToken);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(OutputBytes.ChunkBytes, true)]
    [InlineData(OutputBytes.ChunkBytes, false)]
    [InlineData(OutputBytes.ChunkBytes + 1, true)]
    [InlineData(1_700_003, true)]
    [InlineData(1_700_003, false)]
    public async Task A_file_read_in_chunks_comes_back_whole_through_every_reader(int length, bool knownLength)
    {
        var original = Noise(length);

        var bytes = await OutputBytes.ReadAsync(new Trickle(original), knownLength ? length : null, default);

        Assert.Equal(length, bytes.Length);
        Assert.Equal(original, bytes.ToArray());
        Assert.All(bytes.Segments, s => Assert.InRange(s.Length, 1, OutputBytes.ChunkBytes));
        Assert.Equal(original, bytes.Segments.SelectMany(s => s.ToArray()));

        using var copy = new MemoryStream();
        await bytes.OpenRead().CopyToAsync(copy);
        Assert.Equal(original, copy.ToArray());

        // Small reads across chunk boundaries, and a seek.
        using var reader = bytes.OpenRead();
        var read = new byte[length];
        for (var at = 0; at < length;)
        {
            at += reader.Read(read, at, Math.Min(7000, length - at));
        }

        Assert.Equal(original, read);
        reader.Seek(-1, SeekOrigin.End);
        Assert.Equal(original[^1], (byte)reader.ReadByte());
        Assert.Equal(-1, reader.ReadByte());

        using var whole = bytes.Contiguous();
        Assert.Equal(original, whole.Memory.ToArray());
    }

    [Fact]
    public async Task Nothing_read_is_empty()
    {
        Assert.True((await OutputBytes.ReadAsync(new MemoryStream(), null, default)).IsEmpty);
        Assert.True(OutputBytes.Write(_ => { }).IsEmpty);
    }

    [Fact]
    public void What_an_encoder_writes_is_kept_in_chunks()
    {
        var original = Noise(3 * OutputBytes.ChunkBytes + 17);

        var bytes = OutputBytes.Write(stream =>
        {
            for (var at = 0; at < original.Length; at += 5000)
            {
                stream.Write(original, at, Math.Min(5000, original.Length - at));
            }
        });

        Assert.Equal(original, bytes.ToArray());
        Assert.Equal(4, bytes.Segments.Count());
    }
}
