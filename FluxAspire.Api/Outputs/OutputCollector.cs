using FluxAspire.Api.Comfy;
using FluxAspire.Api.Jobs;

namespace FluxAspire.Api.Outputs;

/// <summary>Fetches a finished prompt's saved files through GET /view, so ComfyUI may run in another container.</summary>
public sealed class OutputCollector(ComfyClient client)
{
    /// <summary>Files of type "output" (what SaveImage-like nodes write), in history order. Temp previews are skipped,
    /// as the recipe does.</summary>
    public async Task<IReadOnlyList<JobOutputFile>> CollectAsync(ComfyHistoryEntry history, CancellationToken cancellationToken)
    {
        var files = new List<JobOutputFile>();
        foreach (var file in history.Files.Where(f => f.Type == "output"))
        {
            files.Add(new JobOutputFile(file.NodeId, file.Filename, await client.ViewAsync(file, cancellationToken)));
        }

        return files;
    }
}
