using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>
/// What this ComfyUI offers, read from /object_info rather than hard-coded: KSampler's samplers and schedulers and
/// CheckpointLoaderSimple's checkpoints. Loaded at start-up (by warmup) and refreshed on demand.
/// </summary>
public sealed class ComfyCatalog(ComfyClient client)
{
    private static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(5);
    private volatile Snapshot? _current;

    public sealed record Snapshot(IReadOnlyList<string> Samplers, IReadOnlyList<string> Schedulers, IReadOnlyList<string> Checkpoints, DateTimeOffset LoadedAt);

    /// <summary>The last lists read, or null before ComfyUI first answered.</summary>
    public Snapshot? Current => _current;

    public async Task<Snapshot> GetAsync(CancellationToken cancellationToken) => _current ?? await RefreshAsync(cancellationToken);

    /// <summary>Reads the lists again unless they were read in the last few seconds; null when ComfyUI does not answer.</summary>
    public async Task<Snapshot?> TryRefreshAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && DateTimeOffset.UtcNow - current.LoadedAt < MinimumRefreshInterval)
        {
            return null;
        }

        try
        {
            return await RefreshAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException)
        {
            return null;
        }
    }

    public async Task<Snapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        var sampler = await client.GetObjectInfoAsync("KSampler", cancellationToken)
            ?? throw new ComfyProtocolException("ComfyUI has no KSampler node");
        var loader = await client.GetObjectInfoAsync("CheckpointLoaderSimple", cancellationToken)
            ?? throw new ComfyProtocolException("ComfyUI has no CheckpointLoaderSimple node");
        var snapshot = new Snapshot(ComboOptions(sampler, "sampler_name"), ComboOptions(sampler, "scheduler"),
            ComboOptions(loader, "ckpt_name"), DateTimeOffset.UtcNow);
        _current = snapshot;
        return snapshot;
    }

    /// <summary>A combo input's choices: classic nodes declare [["a","b"], {...}], V3 nodes ["COMBO", {"options": [...]}].</summary>
    internal static IReadOnlyList<string> ComboOptions(JsonObject nodeInfo, string input)
    {
        var declared = nodeInfo["input"]?["required"]?[input] ?? nodeInfo["input"]?["optional"]?[input];
        if (declared is not JsonArray { Count: > 0 } spec)
        {
            return [];
        }

        return spec[0] is JsonArray classic
            ? ComfyValues.AsStrings(classic)
            : ComfyValues.AsStrings(spec.Count > 1 ? spec[1]?["options"] : null);
    }
}
