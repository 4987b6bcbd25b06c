using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Api.Pipeline.Downloads;

/// <summary>ComfyUI's model folder names (GET /models), read once and again only when a name is not known yet.</summary>
public sealed class ModelTypes(ComfyClient client)
{
    private volatile IReadOnlyList<string>? _known;

    /// <summary>The folder names; null when ComfyUI has never answered.</summary>
    public async Task<IReadOnlyList<string>?> GetAsync(string? lookingFor, CancellationToken cancellationToken)
    {
        if (_known is { } known && (lookingFor is null || known.Contains(lookingFor)))
        {
            return known;
        }

        try
        {
            return _known = (await client.GetModelFoldersAsync(cancellationToken)).Where(f => f != "custom_nodes").ToList();
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException)
        {
            return _known;
        }
    }
}
