namespace FluxAspire.ComfySim.Execution;

/// <summary>
/// PromptServer.client_id and last_node_id: whom the running prompt belongs to and which node it is on, for the
/// reconnect message <c>{"type":"executing","data":{"node":"31"}}</c>. The client id stays set after a prompt ends.
/// </summary>
public sealed class ExecutionState
{
    private volatile string? _currentClientId;
    private volatile string? _lastNodeId;

    public string? CurrentClientId { get => _currentClientId; set => _currentClientId = value; }

    public string? LastNodeId { get => _lastNodeId; set => _lastNodeId = value; }
}
