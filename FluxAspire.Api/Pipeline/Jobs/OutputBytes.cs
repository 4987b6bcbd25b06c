using Microsoft.IO;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// One output file's bytes, held once and read by everyone who delivers it (the response, the cache, webhooks,
/// uploads, GET /jobs/{id}/outputs) without copies. Outputs fetched from ComfyUI live in a pooled buffer
/// (<see cref="Outputs.OutputBuffers"/>) that goes back to the pool when the last holder lets go of this object (the GC finds
/// it unreachable): no holder ever has to know whether it was the last one, so none can free bytes another still reads.
/// </summary>
/// <remarks>Whoever takes <see cref="Memory"/> (or a span of it) past an await must keep this object alive until it is
/// done with it (<see cref="GC.KeepAlive"/>): the buffer is only safe while its owner is reachable.</remarks>
public sealed class OutputBytes
{
    public static readonly OutputBytes Empty = new([]);

    private readonly byte[] _buffer;
    private readonly int _length;

    // Held only so the pooled buffer goes back to its pool (its finalizer) when this object is collected, not before.
    private readonly RecyclableMemoryStream? _pooled;

    public OutputBytes(byte[] bytes)
    {
        _buffer = bytes;
        _length = bytes.Length;
    }

    internal OutputBytes(RecyclableMemoryStream pooled)
    {
        _pooled = pooled;
        _buffer = pooled.GetBuffer();
        _length = checked((int)pooled.Length);
    }

    public int Length => _length;

    public bool IsEmpty => _length == 0;

    /// <summary>True when the bytes are in a pooled buffer (fetched from ComfyUI), false for a plain array.</summary>
    public bool IsPooled => _pooled is not null;

    /// <summary>The bytes. Keep this object alive while you use them (see the remarks).</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _length);

    public static implicit operator OutputBytes(byte[] bytes) => new(bytes);

    /// <summary>A copy, for the rare reader that needs an array of its own (tests, a Redis value of exactly this size is not one).</summary>
    public byte[] ToArray() => Memory.ToArray();

    /// <summary>A read-only, seekable stream over the bytes that keeps them alive while it is.</summary>
    public Stream OpenRead() => new Reader(this);

    /// <summary>Writes the bytes to <paramref name="destination"/>.</summary>
    public async Task CopyToAsync(Stream destination, CancellationToken cancellationToken)
    {
        await destination.WriteAsync(Memory, cancellationToken);
        GC.KeepAlive(this);
    }

    /// <summary>Base64 of the bytes, as <see cref="Convert.ToBase64String(byte[])"/> writes it, in this many bytes.</summary>
    public int Base64Length => checked((_length + 2) / 3 * 4);

    /// <summary>Element-wise equality, for tests and the cache's integrity check.</summary>
    public bool ContentEquals(ReadOnlySpan<byte> other)
    {
        var equal = Memory.Span.SequenceEqual(other);
        GC.KeepAlive(this);
        return equal;
    }

    public override string ToString() => $"{_length} bytes";

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
            set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var remaining = bytes.Memory.Span[(int)Math.Min(_position, bytes.Length)..];
            var n = Math.Min(remaining.Length, buffer.Length);
            remaining[..n].CopyTo(buffer);
            _position += n;
            GC.KeepAlive(bytes);
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            var from = (int)Math.Min(_position, bytes.Length);
            _position = bytes.Length;
            await destination.WriteAsync(bytes.Memory[from..], cancellationToken);
            GC.KeepAlive(bytes);
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
}
