using System.Collections.Concurrent;
using System.Threading.Channels;

namespace FluxAspire.Api.Pipeline.Jobs;

public sealed class InMemoryJobQueue : IJobQueue
{
    private readonly Channel<string> _ids = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    // The single-reader channel cannot count its items.
    private int _count;

    // Each waiting id with the order it was queued in, so its place can be counted when someone asks (never otherwise).
    private readonly ConcurrentDictionary<string, long> _order = new(StringComparer.Ordinal);
    private long _sequence;

    public async ValueTask EnqueueAsync(string id, CancellationToken cancellationToken)
    {
        // Counted before it can be read, so the count never dips below the truth.
        Interlocked.Increment(ref _count);
        _order[id] = Interlocked.Increment(ref _sequence);
        try
        {
            await _ids.Writer.WriteAsync(id, cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _count);
            _order.TryRemove(id, out _);
            throw;
        }
    }

    // Every job in memory runs here anyway.
    public ValueTask EnqueueHereAsync(string id, CancellationToken cancellationToken) => EnqueueAsync(id, cancellationToken);

    public async ValueTask<JobTicket> DequeueAsync(CancellationToken cancellationToken)
    {
        var id = await _ids.Reader.ReadAsync(cancellationToken);
        Taken(id);
        return new JobTicket(id);
    }

    // Nothing to acknowledge in memory: a taken job lives and dies with this process.
    public ValueTask AcknowledgeAsync(JobTicket ticket, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    // In memory the store cannot fail, so nothing is ever abandoned; the job's record stays as it was.
    public void Abandon(JobTicket ticket)
    {
    }

    public ValueTask ReleaseAsync(JobTicket ticket, CancellationToken cancellationToken) => EnqueueAsync(ticket.JobId, cancellationToken);

    public int Count => Volatile.Read(ref _count);

    public int OwnCount => Count;

    public ValueTask<int?> PositionAsync(string id, CancellationToken cancellationToken)
    {
        if (!_order.TryGetValue(id, out var mine))
        {
            return ValueTask.FromResult<int?>(null);
        }

        var ahead = 0;
        foreach (var (_, order) in _order)
        {
            if (order < mine) ahead++;
        }

        return ValueTask.FromResult<int?>(ahead + 1);
    }

    private void Taken(string id)
    {
        Interlocked.Decrement(ref _count);
        _order.TryRemove(id, out _);
    }

    public bool TryDequeue(out JobTicket ticket)
    {
        if (_ids.Reader.TryRead(out var id))
        {
            Taken(id);
            ticket = new JobTicket(id);
            return true;
        }

        ticket = null!;
        return false;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _ids.Reader.WaitToReadAsync(cancellationToken);
}
