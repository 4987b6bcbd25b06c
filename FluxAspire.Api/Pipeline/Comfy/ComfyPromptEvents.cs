using System.Collections.Concurrent;
using System.Threading.Channels;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>Routes WebSocket messages to the job waiting for their prompt_id. Subscribe before POST /prompt so no
/// message is missed; messages for prompts nobody waits for (or without a prompt_id) are dropped.</summary>
public sealed class ComfyPromptEvents
{
    private readonly ConcurrentDictionary<string, Channel<ComfyMessage>> _subscribers = new(StringComparer.Ordinal);

    public Subscription Subscribe(string promptId)
    {
        var channel = Channel.CreateUnbounded<ComfyMessage>(new UnboundedChannelOptions { SingleReader = true });
        if (!_subscribers.TryAdd(promptId, channel))
        {
            throw new InvalidOperationException($"prompt {promptId} already has a waiter");
        }

        return new Subscription(this, promptId, channel.Reader);
    }

    /// <summary>Sees every message before it is routed, on the WebSocket read loop, so it must be quick (system webhooks).</summary>
    public Action<ComfyMessage>? Observer { get; set; }

    public void Publish(ComfyMessage message)
    {
        Observer?.Invoke(message);
        if (message.PromptId is { } id && _subscribers.TryGetValue(id, out var channel))
        {
            channel.Writer.TryWrite(message);
        }
    }

    public sealed class Subscription(ComfyPromptEvents owner, string promptId, ChannelReader<ComfyMessage> reader) : IDisposable
    {
        public ChannelReader<ComfyMessage> Reader { get; } = reader;

        public void Dispose()
        {
            if (owner._subscribers.TryRemove(promptId, out var channel))
            {
                channel.Writer.TryComplete();
            }
        }
    }
}
