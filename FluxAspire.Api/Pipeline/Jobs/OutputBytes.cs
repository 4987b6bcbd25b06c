using System.Buffers;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// One output file's bytes, held once and read in place by everyone who delivers it (the response, the cache, webhooks,
/// uploads, GET /jobs/{id}/outputs). Files fetched from ComfyUI are held in chunks of <see cref="ChunkBytes"/>, each
/// below the large-object heap's threshold: a 1.7 MB PNG is 36 small arrays that die young with the request that used
/// them, instead of a large-object-heap array that only a full collection frees. The GC owns them, so no holder ever
/// has to know whether it was the last, and none can free bytes another still reads.
/// </summary>
public sealed class OutputBytes
{
    /// <summary>Bytes per chunk: under the 85 000-byte large-object threshold, and a multiple of 3 so each chunk is a
    /// whole number of base64 quanta.</summary>
    public const int ChunkBytes = 48 * 1024;

    public static readonly OutputBytes Empty = new([]);

    private readonly byte[][] _chunks;
    private readonly int _lastLength;

    /// <summary>A file in one array (a Redis value, a test's bytes).</summary>
    public OutputBytes(byte[] bytes)
        : this(bytes.Length == 0 ? [] : [bytes], bytes.Length)
    {
    }

    private OutputBytes(byte[][] chunks, int length)
    {
        _chunks = chunks;
        Length = length;
        _lastLength = chunks.Length == 0 ? 0 : length - (chunks.Length - 1) * (chunks.Length == 1 ? 0 : ChunkBytes);
    }

    public int Length { get; }

    public bool IsEmpty => Length == 0;

    /// <summary>The bytes in order, chunk by chunk.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Segments
    {
        get
        {
            for (var i = 0; i < _chunks.Length; i++)
            {
                yield return _chunks[i].AsMemory(0, i == _chunks.Length - 1 ? _lastLength : _chunks[i].Length);
            }
        }
    }

    public static implicit operator OutputBytes(byte[] bytes) => new(bytes);

    /// <summary>Reads <paramref name="source"/> to its end; <paramref name="expectedLength"/> (Content-Length), when known,
    /// sizes the last chunk exactly.</summary>
    public static async Task<OutputBytes> ReadAsync(Stream source, long? expectedLength, CancellationToken cancellationToken)
    {
        var chunks = new List<byte[]>(expectedLength is > 0 ? (int)Math.Min(4096, (expectedLength.Value + ChunkBytes - 1) / ChunkBytes) : 4);
        var length = 0;
        while (true)
        {
            var remaining = expectedLength is { } expected && expected > length ? expected - length : ChunkBytes;
            var chunk = GC.AllocateUninitializedArray<byte>((int)Math.Min(ChunkBytes, Math.Max(1, remaining)));
            var filled = await source.ReadAtLeastAsync(chunk, chunk.Length, throwOnEndOfStream: false, cancellationToken);
            length = checked(length + filled);
            if (filled == 0)
            {
                break;
            }

            chunks.Add(filled == chunk.Length ? chunk : chunk[..filled]);
            if (filled < chunk.Length || length == expectedLength)
            {
                break;
            }
        }

        return length == 0 ? Empty : new OutputBytes([.. chunks], length);
    }

    /// <summary>The bytes <paramref name="write"/> produces (an encoder's output), in chunks.</summary>
    public static OutputBytes Write(Action<Stream> write)
    {
        using var writer = new ChunkWriter();
        write(writer);
        return writer.Length == 0 ? Empty : new OutputBytes([.. writer.Chunks], checked((int)writer.Length));
    }

    /// <summary>A copy, for the rare reader that needs an array of its own (tests).</summary>
    public byte[] ToArray()
    {
        var copy = GC.AllocateUninitializedArray<byte>(Length);
        var offset = 0;
        foreach (var segment in Segments)
        {
            segment.Span.CopyTo(copy.AsSpan(offset));
            offset += segment.Length;
        }

        return copy;
    }

    /// <summary>
    /// The bytes in one piece, for an API that takes nothing else (a Redis value): the array itself when there is one
    /// chunk, else a pooled copy that goes back to the pool when the owner is disposed. Dispose it only once the memory is
    /// no longer used by anyone; a copy not disposed (the call that used it failed) is simply left to the GC.
    /// </summary>
    public IMemoryOwner<byte> Contiguous() => _chunks.Length <= 1 ? new Whole(Segments.FirstOrDefault()) : new Rented(this);

    /// <summary>A read-only, seekable stream over the bytes.</summary>
    public Stream OpenRead() => new Reader(this);

    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken)
    {
        foreach (var segment in Segments)
        {
            await destination.WriteAsync(segment, cancellationToken);
        }
    }

    public override string ToString() => $"{Length} bytes";

    private int Chunk(long position, out int offset)
    {
        // One-array files have a first chunk of any length; chunked ones are ChunkBytes each.
        if (_chunks.Length == 1)
        {
            offset = (int)position;
            return 0;
        }

        offset = (int)(position % ChunkBytes);
        return (int)(position / ChunkBytes);
    }

    private sealed class Whole(ReadOnlyMemory<byte> memory) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory => System.Runtime.InteropServices.MemoryMarshal.AsMemory(memory);

        public void Dispose()
        {
        }
    }

    private sealed class Rented : IMemoryOwner<byte>
    {
        private byte[]? _array;
        private readonly int _length;

        public Rented(OutputBytes bytes)
        {
            _array = ArrayPool<byte>.Shared.Rent(bytes.Length);
            _length = bytes.Length;
            var offset = 0;
            foreach (var segment in bytes.Segments)
            {
                segment.Span.CopyTo(_array.AsSpan(offset));
                offset += segment.Length;
            }
        }

        public Memory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(Rented))).AsMemory(0, _length);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _array, null) is { } array)
            {
                ArrayPool<byte>.Shared.Return(array);
            }
        }
    }

    private sealed class Reader(OutputBytes bytes) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position
        {
            get => _position;
            set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var total = 0;
            while (buffer.Length > 0 && _position < bytes.Length)
            {
                var index = bytes.Chunk(_position, out var within);
                var chunk = bytes._chunks[index];
                var available = (index == bytes._chunks.Length - 1 ? bytes._lastLength : chunk.Length) - within;
                var n = Math.Min(available, buffer.Length);
                chunk.AsSpan(within, n).CopyTo(buffer);
                buffer = buffer[n..];
                _position += n;
                total += n;
            }

            return total;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            if (_position == 0)
            {
                _position = bytes.Length;
                await bytes.CopyToAsync(destination, cancellationToken);
                return;
            }

            await base.CopyToAsync(destination, bufferSize, cancellationToken);
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => bytes.Length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A write-only stream that fills chunks (an encoder's output).</summary>
    private sealed class ChunkWriter : Stream
    {
        public List<byte[]> Chunks { get; } = [];

        private int _inLast = ChunkBytes;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Position;

        public override long Position { get; set; }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (buffer.Length > 0)
            {
                if (_inLast == ChunkBytes)
                {
                    Chunks.Add(GC.AllocateUninitializedArray<byte>(ChunkBytes));
                    _inLast = 0;
                }

                var n = Math.Min(ChunkBytes - _inLast, buffer.Length);
                buffer[..n].CopyTo(Chunks[^1].AsSpan(_inLast));
                _inLast += n;
                Position += n;
                buffer = buffer[n..];
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
