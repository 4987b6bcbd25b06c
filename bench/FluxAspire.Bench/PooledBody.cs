using System.Buffers;

namespace FluxAspire.Bench;

/// <summary>
/// A response body read into a pooled array. The load generator shares the API's cores, so it must not spend them on
/// garbage collections of megabyte arrays and strings: every image would otherwise be two or three large-object allocations.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    private byte[] _buffer;

    private PooledBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; private set; }

    public Span<byte> Span => _buffer.AsSpan(0, Length);

    public static async Task<PooledBody> ReadAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(content.Headers.ContentLength ?? 0, 0, int.MaxValue / 2) + 1);
        var length = 0;
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        while (true)
        {
            if (length == buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                return new PooledBody(buffer, length);
            }

            length += read;
        }
    }

    /// <summary>A pooled array of <paramref name="length"/> bytes to fill.</summary>
    public static PooledBody Rent(int length) => new(ArrayPool<byte>.Shared.Rent(length), length);

    public void Truncate(int length) => Length = Math.Min(length, Length);

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            Length = 0;
        }
    }
}
