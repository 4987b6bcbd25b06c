namespace FluxAspire.ComfySim.Nodes;

/// <summary>
/// Which checkpoints are "in VRAM". A loader that executes reads the file (costs --load-ms); a sampler whose model was
/// unloaded since (POST /free unload_models, or an out-of-memory error) pays --load-ms again to bring it back.
/// </summary>
public sealed class ModelMemory
{
    private readonly HashSet<string> _resident = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void MarkLoaded(string checkpoint)
    {
        lock (_lock) { _resident.Add(checkpoint); }
    }

    /// <summary>True when the model had to be loaded now (and is resident afterwards).</summary>
    public bool EnsureLoaded(string checkpoint)
    {
        lock (_lock) { return _resident.Add(checkpoint); }
    }

    public void UnloadAll()
    {
        lock (_lock) { _resident.Clear(); }
    }
}
