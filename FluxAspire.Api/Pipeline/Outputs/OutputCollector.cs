using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline.Outputs;

/// <summary>Fetches a finished prompt's saved files through GET /view, so ComfyUI may run in another container, and
/// post-processes them (convert_output) before any delivery path (response, webhook, upload) sees them.</summary>
public sealed class OutputCollector(ComfyClient client, OutputConverter converter)
{
    /// <summary>Files of type "output" (what SaveImage-like nodes write), in history order. Temp previews are skipped,
    /// as the recipe does.</summary>
    public async Task<IReadOnlyList<JobOutputFile>> CollectAsync(ComfyHistoryEntry history, CancellationToken cancellationToken)
    {
        var files = new List<JobOutputFile>();
        foreach (var file in history.Files.Where(f => f.Type == "output"))
        {
            // Streamed into chunks, sized by Content-Length: the only copy of the file this API holds.
            var bytes = await client.ViewAsync(file, OutputBytes.ReadAsync, cancellationToken);
            files.Add(new JobOutputFile(file.NodeId, file.Filename, bytes));
        }

        return files;
    }

    /// <summary>The job's outputs as delivered (converted when the request asked for it), before any delivery path
    /// (response, webhook, upload) sees them. Counted as post-processing time, as the recipe counts its conversion.</summary>
    public IReadOnlyList<JobOutputFile> PostProcess(JobRequest request, IReadOnlyList<JobOutputFile> files) =>
        request.Delivery.ConvertOutput is { } conversion
            ? files.Select(f => converter.Convert(request.Id, f, conversion)).ToList()
            : files;
}
