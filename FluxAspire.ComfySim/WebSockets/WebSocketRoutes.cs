using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Execution;
using FluxAspire.ComfySim.Queue;

namespace FluxAspire.ComfySim.WebSockets;

/// <summary>
/// GET /ws?clientId=…: the status greeting with sid, the reconnect <c>executing</c> message, the feature_flags
/// handshake on the first text message, and nothing else from the client. No pings, as ComfyUI.
/// </summary>
public static class WebSocketRoutes
{
    public static IEndpointRouteBuilder MapWebSocketRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("ws", HandleAsync);
        return routes;
    }

    private static async Task HandleAsync(HttpContext context, WebSocketHub hub, PromptQueue queue, ExecutionState state,
        SimOptions options, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            // aiohttp's WebSocketResponse.prepare on a plain GET
            context.Response.StatusCode = 400;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("No WebSocket UPGRADE hdr: None\n Can \"Upgrade\" only to \"WebSocket\".");
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.Zero });
        var sid = context.Request.Query["clientId"].ToString();
        if (sid.Length == 0)
        {
            sid = Guid.NewGuid().ToString("N");
        }

        var connection = new ClientConnection(sid, socket);
        connection.Enqueue(WsFrame.Json("status", new JsonObject { ["status"] = PromptQueue.QueueInfo(queue.QueueRemaining), ["sid"] = sid }));
        if (state.CurrentClientId == sid && state.LastNodeId is { } node)
        {
            connection.Enqueue(WsFrame.Json("executing", new JsonObject { ["node"] = node }));
        }

        hub.Connected(connection);
        var sending = connection.RunSendLoopAsync(lifetime.ApplicationStopping);
        try
        {
            await ReceiveAsync(connection, options, loggers.CreateLogger("FluxAspire.ComfySim.WebSocket"), lifetime.ApplicationStopping);
        }
        finally
        {
            hub.Disconnected(connection);
            connection.Complete();
            await sending;
            if (socket.State is WebSocketState.CloseReceived or WebSocketState.Open)
            {
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                }
                catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
                {
                }
            }
        }
    }

    private static async Task ReceiveAsync(ClientConnection connection, SimOptions options, ILogger logger, CancellationToken stopping)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        var firstMessage = true;
        try
        {
            while (true)
            {
                var result = await connection.Socket.ReceiveAsync(buffer.GetMemory(4096), stopping);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                buffer.Advance(result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text && firstMessage)
                {
                    firstMessage = HandleFirstText(connection, buffer.WrittenSpan, options, logger);
                }

                buffer.ResetWrittenCount();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // connection reset or aborted
        }
    }

    /// <summary>Returns whether the next text message still counts as the first (invalid JSON does not consume it).</summary>
    private static bool HandleFirstText(ClientConnection connection, ReadOnlySpan<byte> text, SimOptions options, ILogger logger)
    {
        JsonNode? message;
        try
        {
            message = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            logger.LogWarning("Invalid JSON received from client {Sid}", connection.Sid);
            return true;
        }

        if (message is not JsonObject obj)
        {
            return true; // data.get on a non-dict raises before first_message is cleared
        }

        if (obj["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() == "feature_flags")
        {
            var flags = obj["data"] as JsonObject;
            connection.SupportsPreviewMetadata = flags?["supports_preview_metadata"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
            connection.Enqueue(WsFrame.Json("feature_flags", new JsonObject
            {
                ["supports_preview_metadata"] = true,
                ["max_upload_size"] = options.MaxUploadSizeBytes,
            }));
            logger.LogInformation("Feature flags negotiated for client {Sid}", connection.Sid);
        }

        return false;
    }
}
