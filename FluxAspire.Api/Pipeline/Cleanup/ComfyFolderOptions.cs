namespace FluxAspire.Api.Pipeline.Cleanup;

/// <summary>ComfyUI's input and output folders as this process sees them (a shared volume, or the same machine when
/// ComfyUI is a child process). Bound from the "ComfyUI" section. ComfyUI has no delete API, so without them a job's
/// uploaded inputs and outputs stay on ComfyUI's disk.</summary>
public sealed class ComfyFolderOptions
{
    public string? InputDirectory { get; set; }

    public string? OutputDirectory { get; set; }
}
