using System.Threading.Channels;

namespace FluxAspire.Api.Pipeline.Jobs;

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

    public async ValueTask<JobTicket> DequeueAsync(CancellationToken cancellationToken)
    {
        var id = await _ids.Reader.ReadAsync(cancellationToken);
        Interlocked.Decrement(ref _count);
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

    public bool TryDequeue(out JobTicket ticket)
    {
        if (_ids.Reader.TryRead(out var id))
        {
            Interlocked.Decrement(ref _count);
            ticket = new JobTicket(id);
            return true;
        }

        ticket = null!;
        return false;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _ids.Reader.WaitToReadAsync(cancellationToken);
}
