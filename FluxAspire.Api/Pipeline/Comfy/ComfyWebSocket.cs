using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using FluxAspire.Api.Operations.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>
/// The API's one WebSocket to ComfyUI. Reads messages and hands them to <see cref="ComfyPromptEvents"/>; reconnects with
/// exponential backoff through the <see cref="ResiliencePipelines.ComfyUI"/> pipeline (<see cref="ComfyReconnect"/>). Each
/// connection uses a new clientId: ComfyUI forgets a sid when an old socket with that sid closes, so reusing one could
/// silently mute the new socket (protocol §7.1).
/// </summary>
public sealed partial class ComfyWebSocket(
    IOptions<ComfyOptions> options, ComfyPromptEvents events, TimeProvider time, ResiliencePipelineProvider<string> pipelines, ILogger<ComfyWebSocket> logger)
    : BackgroundService
{
    private readonly ResiliencePipeline<bool> _reconnect = pipelines.GetPipeline<bool>(ResiliencePipelines.ComfyUI);
    private volatile bool _connected;
    private long _lastMessageTicks;

    /// <summary>The clientId to send with POST /prompt: the current connection's, or the next one's while reconnecting.</summary>
    public string ClientId { get; private set; } = NewClientId();

    public bool IsConnected => _connected;

    /// <summary>ComfyUI's queue_remaining (running and pending prompts) from its last "status" message; -1 before any.</summary>
    public long QueueRemaining => Interlocked.Read(ref _queueRemaining);

    private long _queueRemaining = -1;

    public DateTimeOffset? LastMessageAt =>
        Interlocked.Read(ref _lastMessageTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        try
        {
            await _reconnect.ExecuteAsync(ct => ConnectOnceAsync(settings, ct), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One connection, until it ends; true when it had connected (the next wait starts over from the minimum).</summary>
    private async ValueTask<bool> ConnectOnceAsync(ComfyOptions settings, CancellationToken stoppingToken)
    {
        var connected = false;
        try
        {
            await RunConnectionAsync(settings, () => connected = true, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or IOException or OperationCanceledException)
        {
            LogDisconnected(ex.Message);
        }
        finally
        {
            _connected = false;
            ClientId = NewClientId();
        }

        return connected;
    }

    private async Task RunConnectionAsync(ComfyOptions settings, Action onConnected, CancellationToken stoppingToken)
    {
        using var socket = new ClientWebSocket();
        // ComfyUI sends no pings; our pings (answered by the server) detect a half-open connection.
        socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(10);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(10);
        var clientId = ClientId;
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
        {
            connectTimeout.CancelAfter(settings.RequestTimeout);
            await socket.ConnectAsync(WebSocketUri(settings.BaseUri!, clientId), connectTimeout.Token);
        }

        // Negotiated before any prompt runs, so every preview names its prompt (protocol §7.1, §7.4).
        await socket.SendAsync(Encoding.UTF8.GetBytes(ComfyPreviewFrame.Negotiation), WebSocketMessageType.Text, true, stoppingToken);
        _connected = true;
        onConnected();
        LogConnected(clientId);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var message = new MemoryStream();
            string? currentPromptId = null;
            var oversized = false;
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, stoppingToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    LogDisconnected($"closed by ComfyUI ({result.CloseStatus})");
                    return;
                }

                Interlocked.Exchange(ref _lastMessageTicks, time.GetUtcNow().UtcTicks);
                // An oversized binary frame is skipped to its end without being kept.
                oversized |= result.MessageType == WebSocketMessageType.Binary && message.Length + result.Count > ComfyPreviewFrame.MaxBytes;
                if (!oversized)
                {
                    message.Write(buffer, 0, result.Count);
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (oversized)
                {
                    oversized = false;
                    message.SetLength(0);
                    continue;
                }

                var parsed = result.MessageType == WebSocketMessageType.Binary
                    ? ComfyPreviewFrame.TryParse(message.GetBuffer().AsSpan(0, (int)message.Length), currentPromptId, time.GetUtcNow())
                    : ComfyMessage.TryParse(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length), time.GetUtcNow());
                message.SetLength(0);
                if (parsed is not null)
                {
                    currentPromptId = parsed.PromptId ?? currentPromptId;
                    if (parsed.Type == "status" && ComfyValues.AsInt64((parsed.Data["status"] as System.Text.Json.Nodes.JsonObject)?["exec_info"]?["queue_remaining"]) is { } remaining)
                    {
                        Interlocked.Exchange(ref _queueRemaining, remaining);
                    }

                    events.Publish(parsed);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal static Uri WebSocketUri(Uri baseUri, string clientId)
    {
        var builder = new UriBuilder(new Uri(baseUri, $"ws?clientId={clientId}"))
        {
            Scheme = baseUri.Scheme == "https" ? "wss" : "ws",
        };
        return builder.Uri;
    }

    private static string NewClientId() => Guid.NewGuid().ToString("N");

    [LoggerMessage(LogLevel.Information, "ComfyUI WebSocket connected as client {ClientId}")]
    private partial void LogConnected(string clientId);

    [LoggerMessage(LogLevel.Warning, "ComfyUI WebSocket disconnected: {Reason}; reconnecting")]
    private partial void LogDisconnected(string reason);
}
