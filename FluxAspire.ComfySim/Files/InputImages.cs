using FluxAspire.ComfySim.Images;

namespace FluxAspire.ComfySim.Files;

/// <summary>LoadImage: files in the input folder.</summary>
public sealed class InputImages(ComfyFolders folders)
{
    private readonly ComfyFolders _folders = folders;

    /// <summary>LoadImage's custom validation: true when the annotated name refers to an existing file.</summary>
    public bool Exists(string image) => throw new NotImplementedException("H3");

    /// <summary>
    /// Loads an input image (name may carry " [input]" / " [output]" / " [temp]" and a subfolder) and returns its size.
    /// Throws <see cref="Execution.SimNodeException"/> ("PIL.UnidentifiedImageError", "cannot identify image file '…'")
    /// when the file is not an image.
    /// </summary>
    public SimImage Load(string image) => throw new NotImplementedException("H3");
}
