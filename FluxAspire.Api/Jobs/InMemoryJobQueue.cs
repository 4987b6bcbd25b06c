using System.Threading.Channels;

namespace FluxAspire.Api.Jobs;

public sealed class InMemoryJobQueue : IJobQueue
{
    private readonly Channel<string> _ids = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    // The single-reader channel cannot count its items.
    private int _count;

    public async ValueTask EnqueueAsync(string id, CancellationToken cancellationToken)
    {
        // Counted before it can be read, so the count never dips below the truth.
        Interlocked.Increment(ref _count);
        try
        {
            await _ids.Writer.WriteAsync(id, cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _count);
            throw;
        }
    }

    public async ValueTask<string> DequeueAsync(CancellationToken cancellationToken)
    {
        var id = await _ids.Reader.ReadAsync(cancellationToken);
        Interlocked.Decrement(ref _count);
        return id;
    }

    public int Count => Volatile.Read(ref _count);
}
