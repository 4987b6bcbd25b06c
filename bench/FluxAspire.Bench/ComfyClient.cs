using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Bench;

/// <summary>
/// A ComfyUI client as a real one behaves: its own WebSocket (clientId), POST /prompt with its own prompt_id, wait for
/// <c>executing {node:null}</c> for that prompt, read /history/{id}, download the image through /view. Any number of
/// prompts may be in flight on one client (one socket), as the API runs them.
/// </summary>
/// <param name="outputDirectory">Where ComfyUI writes outputs, when this machine shares it: each image is deleted once
/// downloaded, as the API does, so a long run does not fill the disk.</param>
internal sealed class ComfyClient(HttpClient http, string? outputDirectory = null) : IAsyncDisposable
{
    private readonly HttpClient _http = http;
    private readonly ClientWebSocket _socket = new();
    private readonly string _clientId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string?>> _waiting = new();
    private Task? _receiveLoop;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var ws = new UriBuilder(_http.BaseAddress!) { Scheme = _http.BaseAddress!.Scheme == "https" ? "wss" : "ws", Path = "/ws", Query = $"clientId={_clientId}" };
        await _socket.ConnectAsync(ws.Uri, cancellationToken);
        _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
    }

    /// <summary>Makes one image; returns the size of its PNG, or throws with ComfyUI's reason (or for a wrong image).</summary>
    public async Task<int> GenerateAsync(int size, int steps, CancellationToken cancellationToken)
    {
        var promptId = Guid.NewGuid().ToString();
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[promptId] = done;
        try
        {
            var body = new JsonObject
            {
                ["prompt"] = WorkflowFile.Text2Img.Graph(Random.Shared.NextInt64(0, 1L << 50), size, steps),
                ["client_id"] = _clientId,
                ["prompt_id"] = promptId,
            };
            using (var queued = await _http.PostAsJsonAsync("/prompt", body, cancellationToken))
            {
                if (!queued.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"POST /prompt {(int)queued.StatusCode}: {await queued.Content.ReadAsStringAsync(cancellationToken)}");
                }
            }

            var error = await done.Task.WaitAsync(cancellationToken);
            if (error is not null)
            {
                throw new InvalidOperationException(error);
            }
        }
        finally
        {
            _waiting.TryRemove(promptId, out _);
        }

        using var history = JsonDocument.Parse(await _http.GetStringAsync($"/history/{promptId}", cancellationToken));
        var image = history.RootElement.GetProperty(promptId).GetProperty("outputs").GetProperty(WorkflowFile.Text2Img.OutputNode)
            .GetProperty("images")[0];
        var (filename, subfolder, type) = (image.GetProperty("filename").GetString()!, image.GetProperty("subfolder").GetString()!,
            image.GetProperty("type").GetString()!);
        var query = $"filename={Uri.EscapeDataString(filename)}&subfolder={Uri.EscapeDataString(subfolder)}&type={Uri.EscapeDataString(type)}";
        using var response = await _http.GetAsync($"/view?{query}", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var png = await PooledBody.ReadAsync(response.Content, cancellationToken);
        if (outputDirectory is not null && type == "output")
        {
            File.Delete(Path.Combine(outputDirectory, subfolder, filename));
        }

        return Png.Check(png.Span, size);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cts.Token);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
        if (_receiveLoop is not null)
        {
            await _receiveLoop;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    Dispatch(message.GetBuffer().AsSpan(0, (int)message.Length));
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
        }

        foreach (var waiter in _waiting.Values)
        {
            waiter.TrySetResult("WebSocket closed before the prompt finished");
        }
    }

    private void Dispatch(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        using var doc = JsonDocument.ParseValue(ref reader);
        var type = doc.RootElement.GetProperty("type").GetString();
        if (type is not ("executing" or "execution_error" or "execution_interrupted")
            || !doc.RootElement.TryGetProperty("data", out var data)
            || !data.TryGetProperty("prompt_id", out var id)
            || !_waiting.TryGetValue(id.GetString() ?? "", out var waiter))
        {
            return;
        }

        switch (type)
        {
            case "executing" when data.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.Null:
                waiter.TrySetResult(null);
                break;
            case "execution_error":
                waiter.TrySetResult($"execution_error: {data.GetProperty("node_type")} {data.GetProperty("exception_message")}");
                break;
            case "execution_interrupted":
                waiter.TrySetResult("execution_interrupted");
                break;
        }
    }
}
