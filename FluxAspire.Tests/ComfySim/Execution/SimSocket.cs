using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>One received WebSocket message: a JSON text frame, or a binary preview with its header decoded.</summary>
public sealed record SimMessage(string Type, JsonObject? Json, byte[]? Binary)
{
    public JsonObject Data => Json!["data"]!.AsObject();

    public uint BinaryEvent => BinaryPrimitives.ReadUInt32BigEndian(Binary);

    /// <summary>A compact token for sequence comparisons: "executing:31", "executed:9", "bin:1", "status", …</summary>
    public string Token => Type switch
    {
        "binary" => $"bin:{BinaryEvent}",
        "executing" => $"executing:{Data["node"]?.GetValue<string>() ?? "null"}",
        "executed" => $"executed:{Data["node"]!.GetValue<string>()}",
        _ => Type,
    };

    public JsonObject BinaryMetadata
    {
        get
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(Binary.AsSpan(4));
            return JsonNode.Parse(Binary.AsSpan(8, length))!.AsObject();
        }
    }
}

/// <summary>A real ClientWebSocket on the simulator that records everything it receives.</summary>
public sealed class SimSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<SimMessage> _messages = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private Task? _receiving;

    public string ClientId { get; private set; } = "";

    public bool Closed { get; private set; }

    public IReadOnlyList<SimMessage> Messages
    {
        get { lock (_messages) { return [.. _messages]; } }
    }

    public static async Task<SimSocket> ConnectAsync(SimulatorProcess sim, string? clientId = null, bool negotiatePreviewMetadata = false)
    {
        var socket = new SimSocket { ClientId = clientId ?? Guid.NewGuid().ToString("N") };
        await socket._socket.ConnectAsync(sim.WebSocketUri(socket.ClientId), CancellationToken.None);
        socket._receiving = socket.ReceiveLoopAsync();
        await socket.WaitForAsync(m => m.Type == "status", TimeSpan.FromSeconds(10));
        if (negotiatePreviewMetadata)
        {
            await socket.SendTextAsync("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}""");
            await socket.WaitForAsync(m => m.Type == "feature_flags", TimeSpan.FromSeconds(10));
        }

        socket.Clear();
        return socket;
    }

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public void Clear()
    {
        lock (_messages) { _messages.Clear(); }
    }

    public async Task<SimMessage> WaitForAsync(Func<SimMessage, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_messages)
            {
                var found = _messages.FirstOrDefault(predicate);
                if (found is not null) return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || Closed && !await _arrived.WaitAsync(0))
            {
                throw new TimeoutException($"no matching message; got: {string.Join(", ", Messages.Select(m => m.Token))}");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Waits for <c>executing {node: null, prompt_id}</c>: the prompt is done and its history written.</summary>
    public Task<SimMessage> WaitForDoneAsync(string promptId, int seconds = 30) =>
        WaitForAsync(m => m.Type == "executing" && m.Data["node"] is null && (string?)m.Data["prompt_id"] == promptId, TimeSpan.FromSeconds(seconds));

    public IReadOnlyList<string> Tokens => [.. Messages.Select(m => m.Token)];

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }

        if (_receiving is not null) await _receiving;
    }

    public async ValueTask DisposeAsync()
    {
        try { await CloseAsync(); } catch (WebSocketException) { }
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage) continue;
                var bytes = message.ToArray();
                message.SetLength(0);
                SimMessage received = result.MessageType == WebSocketMessageType.Text
                    ? Parse(bytes)
                    : new SimMessage("binary", null, bytes);
                lock (_messages) { _messages.Add(received); }
                _arrived.Release();
            }
        }
        catch (WebSocketException)
        {
        }
        finally
        {
            Closed = true;
            _arrived.Release();
        }
    }

    private static SimMessage Parse(byte[] bytes)
    {
        var json = JsonNode.Parse(bytes)!.AsObject();
        return new SimMessage(json["type"]!.GetValue<string>(), json, null);
    }
}
