using FluxAspire.ComfySim.Images;

namespace FluxAspire.ComfySim.Files;

/// <summary>SaveImage / PreviewImage: ComfyUI's file naming, counters, subfolders and placeholders.</summary>
public sealed class OutputWriter(ComfyFolders folders, ImageRenderer renderer)
{
    private readonly ComfyFolders _folders = folders;
    private readonly ImageRenderer _renderer = renderer;

    /// <summary>
    /// Writes every image of the batch. <paramref name="type"/> is "output" (SaveImage, compress level 4) or
    /// "temp" (PreviewImage: prefix becomes ComfyUI_temp_&lt;5 random letters&gt;, compress level 1).
    /// Throws <see cref="Execution.SimNodeException"/> when the prefix escapes the folder.
    /// </summary>
    public IReadOnlyList<SavedImage> SaveImages(SimImage images, string filenamePrefix, string type,
        IReadOnlyList<KeyValuePair<string, string>> textChunks) => throw new NotImplementedException("H3");
}

/// <summary>One entry of a node's UI output: <c>{"filename","subfolder","type"}</c>.</summary>
public sealed record SavedImage(string Filename, string Subfolder, string Type);
