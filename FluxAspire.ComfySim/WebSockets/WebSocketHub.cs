using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace FluxAspire.ComfySim.WebSockets;

/// <summary>
/// ComfyUI's <c>PromptServer.sockets</c>: sid → socket. Sending to a null sid broadcasts; sending to an sid with no
/// socket drops the message. Keeps ComfyUI's quirks: a new socket with a used clientId replaces the old one without
/// closing it, and any socket that closes removes whatever socket is registered under its sid.
/// </summary>
public sealed class WebSocketHub
{
    private readonly ConcurrentDictionary<string, ClientConnection> _sockets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ClientConnection, byte> _open = new();

    public int Count => _sockets.Count;

    public void Connected(ClientConnection connection)
    {
        _open[connection] = 0;
        _sockets[connection.Sid] = connection;
    }

    /// <summary>ComfyUI pops the sid when any socket of that sid closes, even if a newer one replaced it.</summary>
    public void Disconnected(ClientConnection connection)
    {
        _open.TryRemove(connection, out _);
        _sockets.TryRemove(connection.Sid, out _);
    }

    public void Send(string? sid, WsFrame frame)
    {
        if (sid is null)
        {
            foreach (var connection in _sockets.Values)
            {
                connection.Enqueue(frame);
            }
        }
        else if (_sockets.TryGetValue(sid, out var connection))
        {
            connection.Enqueue(frame);
        }
    }

    public void SendJson(string? sid, string type, JsonNode data) => Send(sid, WsFrame.Json(type, data));

    public void Broadcast(WsFrame frame) => Send(null, frame);

    /// <summary>feature_flags.supports_feature(sockets_metadata, sid, "supports_preview_metadata").</summary>
    public bool SupportsPreviewMetadata(string? sid) =>
        sid is not null && _sockets.TryGetValue(sid, out var connection) && connection.SupportsPreviewMetadata;

    /// <summary>Fault injection: every socket is cut at once, without a close frame.</summary>
    public int AbortAll()
    {
        var count = 0;
        foreach (var connection in _open.Keys)
        {
            connection.Abort();
            count++;
        }

        return count;
    }
}
