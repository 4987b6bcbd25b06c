using System.Threading.Channels;

namespace FluxAspire.Api.Jobs;

public sealed class InMemoryJobQueue : IJobQueue
{
    private readonly Channel<string> _ids = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public ValueTask EnqueueAsync(string id, CancellationToken cancellationToken) => _ids.Writer.WriteAsync(id, cancellationToken);

    public ValueTask<string> DequeueAsync(CancellationToken cancellationToken) => _ids.Reader.ReadAsync(cancellationToken);
}
