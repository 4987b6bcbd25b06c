using System.Collections.Concurrent;
using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>
/// The options of the ComfyUI combos that definitions name as enum sources ("comfy:KSampler.sampler_name"), read
/// from /object_info like <see cref="ComfyCatalog"/> and cached; read again on demand (at most every few seconds) so a
/// checkpoint copied in after start-up is accepted.
/// </summary>
public sealed partial class WorkflowChoices(ComfyClient client, TimeProvider time, ILogger<WorkflowChoices> logger)
{
    private static readonly TimeSpan MinimumRefreshInterval = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<ComfyChoiceSource, (IReadOnlyList<string> Options, DateTimeOffset LoadedAt)> _cache = new();

    /// <summary>The cached options, or null when not read yet.</summary>
    public IReadOnlyList<string>? Current(ComfyChoiceSource source) => _cache.TryGetValue(source, out var entry) ? entry.Options : null;

    /// <summary>Makes sure every source is cached; throws <see cref="ComfyUnavailableException"/> or
    /// <see cref="ComfyProtocolException"/> when ComfyUI cannot tell.</summary>
    public async Task LoadAsync(IEnumerable<ComfyChoiceSource> sources, CancellationToken cancellationToken)
    {
        foreach (var source in sources.Distinct().Where(s => !_cache.ContainsKey(s)))
        {
            await ReadAsync(source, cancellationToken);
        }
    }

    /// <summary>Reads the sources again unless read in the last few seconds; false when nothing was refreshed.</summary>
    public async Task<bool> TryRefreshAsync(IEnumerable<ComfyChoiceSource> sources, CancellationToken cancellationToken)
    {
        var refreshed = false;
        foreach (var source in sources.Distinct())
        {
            if (_cache.TryGetValue(source, out var entry) && time.GetUtcNow() - entry.LoadedAt < MinimumRefreshInterval)
            {
                continue;
            }

            try
            {
                await ReadAsync(source, cancellationToken);
                refreshed = true;
            }
            catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException)
            {
                return refreshed;
            }
        }

        return refreshed;
    }

    private async Task ReadAsync(ComfyChoiceSource source, CancellationToken cancellationToken)
    {
        var info = await client.GetObjectInfoAsync(source.ClassType, cancellationToken);
        var options = info is null ? [] : ComfyCatalog.ComboOptions(info, source.Input);
        if (options.Count == 0)
        {
            // A definition naming a node or input this ComfyUI lacks: the field goes unchecked here rather than
            // failing every request; ComfyUI's own validation still answers for the value.
            LogNoOptions(source.ToString());
        }

        _cache[source] = (options, time.GetUtcNow());
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Workflow enum source comfy:{Source} has no options in this ComfyUI (no such node or combo input); the field is not checked against a list")]
    private partial void LogNoOptions(string source);
}
