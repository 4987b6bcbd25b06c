namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The step that fills ComfyUI's models folder before ComfyUI starts. The AppHost runs it itself (no process, no
/// container): it downloads each missing file, resumable and SHA-256 checked, shows progress on the dashboard and ends
/// as Finished (exit code 0), which is what ComfyUI's <c>WaitForCompletion</c> waits for.
/// </summary>
/// <param name="name">The resource name, e.g. <c>comfyui-models</c>.</param>
/// <param name="modelsDirectory">The host folder ComfyUI sees as its models folder.</param>
/// <param name="files">The files to provide.</param>
public sealed class ComfyUIModelDownloadResource(string name, string modelsDirectory, IReadOnlyList<ModelFile> files) : Resource(name)
{
    /// <summary>The host folder ComfyUI sees as its models folder.</summary>
    public string ModelsDirectory { get; } = Path.GetFullPath(modelsDirectory);

    /// <summary>The files to provide.</summary>
    public IReadOnlyList<ModelFile> Files { get; } = files;

    /// <summary>A secret sent as <c>Authorization: Bearer</c> (a Hugging Face token), when the files need one.</summary>
    public ParameterResource? Token { get; set; }
}
