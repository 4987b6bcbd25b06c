using System.Net.WebSockets;
using System.Threading.Channels;

namespace FluxAspire.ComfySim.WebSockets;

/// <summary>
/// One open socket. Messages go through a bounded outbox drained by a single send loop, so the worker never waits on
/// a client; a client too slow to keep up (too many frames or bytes waiting) is dropped, as a dead TCP peer would be.
/// </summary>
public sealed class ClientConnection(string sid, WebSocket socket, int maxFrames = 4096, long maxBytes = 32L << 20)
{
    private readonly Channel<WsFrame> _outbox = Channel.CreateBounded<WsFrame>(
        new BoundedChannelOptions(maxFrames) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private long _pendingBytes;

    public string Sid { get; } = sid;

    public WebSocket Socket { get; } = socket;

    /// <summary>Set when the client's first text message negotiated <c>supports_preview_metadata: true</c>.</summary>
    public volatile bool SupportsPreviewMetadata;

    public void Enqueue(WsFrame frame)
    {
        if (Interlocked.Add(ref _pendingBytes, frame.Bytes.Length) > maxBytes || !_outbox.Writer.TryWrite(frame))
        {
            Abort();
        }
    }

    public void Complete() => _outbox.Writer.TryComplete();

    /// <summary>Closes the TCP connection at once, without a closing handshake.</summary>
    public void Abort()
    {
        _outbox.Writer.TryComplete();
        Socket.Abort();
    }

    public async Task RunSendLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var frame in _outbox.Reader.ReadAllAsync(cancellationToken))
            {
                await Socket.SendAsync(frame.Bytes, frame.Type, endOfMessage: true, cancellationToken);
                Interlocked.Add(ref _pendingBytes, -frame.Bytes.Length);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away; the receive loop notices and unregisters the socket.
        }
    }
}
