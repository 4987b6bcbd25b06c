namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>
/// One ComfyUI (one GPU) and what talks to it: its HTTP client, its own WebSocket, the runner that queues a prompt on it
/// and waits, and whether it is warm (model loaded, answering) or why not. Prompt ids are job ids, unique across
/// backends, so every socket publishes into the one <see cref="ComfyPromptEvents"/>.
/// </summary>
public sealed class ComfyBackend(ComfyBackendAddress address, ComfyClient client, ComfyWebSocket socket, ComfyPromptRunner runner)
{
    private volatile bool _warm;
    private volatile string _waitingFor = "warmup has not run yet";

    public ComfyBackendAddress Address { get; } = address;

    public string Name => Address.Name;

    public ComfyClient Client { get; } = client;

    public ComfyWebSocket Socket { get; } = socket;

    public ComfyPromptRunner Runner { get; } = runner;

    /// <summary>Warmup has run on it and it still answers: it takes jobs.</summary>
    public bool IsWarm => _warm;

    /// <summary>Why it is not warm (the last reason given).</summary>
    public string WaitingFor => _waitingFor;

    /// <summary>Raised when <see cref="IsWarm"/> changes, so jobs waiting for a usable backend look again.</summary>
    public event Action? WarmthChanged;

    public void MarkWarm()
    {
        _warm = true;
        WarmthChanged?.Invoke();
    }

    public void MarkCold(string reason)
    {
        _waitingFor = reason;
        _warm = false;
        WarmthChanged?.Invoke();
    }

    public void Waiting(string reason) => _waitingFor = reason;
}
