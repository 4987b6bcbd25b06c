using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>When a prompt started and ended (ComfyUI's epoch-ms timestamps) and when each node started.
/// Filled from WebSocket messages; history's status messages fill what the socket missed.</summary>
public sealed class ComfyExecutionTimeline
{
    private readonly Dictionary<string, long> _nodeStarts = new(StringComparer.Ordinal);

    public long? Start { get; private set; }

    public long? End { get; private set; }

    public IReadOnlyDictionary<string, long> NodeStarts => _nodeStarts;

    public void Observe(ComfyMessage message)
    {
        switch (message.Type)
        {
            case "execution_start":
                Start ??= ComfyValues.AsInt64(message.Data["timestamp"]) ?? message.ReceivedAt.ToUnixTimeMilliseconds();
                break;
            case "executing" when message.Node is { } node:
                _nodeStarts.TryAdd(node, message.ReceivedAt.ToUnixTimeMilliseconds());
                break;
            case "execution_success" or "execution_error" or "execution_interrupted":
                End ??= ComfyValues.AsInt64(message.Data["timestamp"]) ?? message.ReceivedAt.ToUnixTimeMilliseconds();
                break;
        }
    }

    public void Observe(ComfyHistoryEntry entry)
    {
        Start ??= ComfyValues.AsInt64(entry.Message("execution_start")?["timestamp"]);
        foreach (var name in (string[])["execution_success", "execution_error", "execution_interrupted"])
        {
            End ??= ComfyValues.AsInt64(entry.Message(name)?["timestamp"]);
        }
    }
}
