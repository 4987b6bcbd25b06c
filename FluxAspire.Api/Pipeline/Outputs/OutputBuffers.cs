using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Options;
using Microsoft.IO;

namespace FluxAspire.Api.Pipeline.Outputs;

/// <summary>
/// The pool output files are read into (<see cref="OutputBytes"/>): one contiguous buffer per file, sized to it in
/// <see cref="LargeBufferMultiple"/> steps, so a 1.7 MB PNG costs 1.75 MB and no array of the large-object heap per
/// request. Buffers given back beyond <see cref="OutputsOptions.MaxPooledBytes"/> are left to the GC.
/// </summary>
public sealed class OutputBuffers
{
    /// <summary>Large buffers come in multiples of this (linear, not doubling), so little of each is wasted.</summary>
    public const int LargeBufferMultiple = 256 * 1024;

    private const int BlockSize = 64 * 1024;

    private readonly RecyclableMemoryStreamManager _manager;

    public OutputBuffers(IOptions<OutputsOptions> options)
        : this(options.Value.MaxPooledBytes)
    {
    }

    public OutputBuffers(long maxPooledBytes, int maxBufferBytes = 64 * 1024 * 1024)
    {
        _manager = new RecyclableMemoryStreamManager(new RecyclableMemoryStreamManager.Options
        {
            BlockSize = BlockSize,
            LargeBufferMultiple = LargeBufferMultiple,
            MaximumBufferSize = Math.Max(LargeBufferMultiple, maxBufferBytes / LargeBufferMultiple * LargeBufferMultiple),
            MaximumSmallPoolFreeBytes = Math.Min(maxPooledBytes, 4L * 1024 * 1024),
            MaximumLargePoolFreeBytes = maxPooledBytes,
            // Written once, then read only: the blocks a length-less read filled go back as soon as they are copied.
            AggressiveBufferReturn = true,
        });
    }

    /// <summary>Free bytes in the pool, ready for the next output.</summary>
    public long PooledBytes => _manager.LargePoolFreeSize + _manager.SmallPoolFreeSize;

    /// <summary>Bytes in use by outputs that are still reachable (or not yet collected).</summary>
    public long InUseBytes => _manager.LargePoolInUseSize + _manager.SmallPoolInUseSize;

    /// <summary>Reads <paramref name="source"/> to its end into one pooled buffer; <paramref name="expectedLength"/>
    /// (Content-Length), when known, sizes it up front so nothing is copied twice.</summary>
    public async Task<OutputBytes> ReadAsync(Stream source, long? expectedLength, string tag, CancellationToken cancellationToken)
    {
        var stream = expectedLength is > 0 and <= int.MaxValue
            ? _manager.GetStream(tag, expectedLength.Value, asContiguousBuffer: true)
            : _manager.GetStream(tag);
        try
        {
            await source.CopyToAsync(stream, cancellationToken);
            return Seal(stream);
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    /// <summary>The bytes <paramref name="write"/> produces (an encoder's output), in one pooled buffer.</summary>
    public OutputBytes Write(string tag, Action<Stream> write)
    {
        var stream = _manager.GetStream(tag);
        try
        {
            write(stream);
            return Seal(stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static OutputBytes Seal(RecyclableMemoryStream stream)
    {
        if (stream.Length == 0)
        {
            stream.Dispose();
            return OutputBytes.Empty;
        }

        // One contiguous buffer from here on (a copy only when the length was not known up front).
        return new OutputBytes(stream);
    }
}
