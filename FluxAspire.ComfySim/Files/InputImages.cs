using FluxAspire.ComfySim.Execution;
using FluxAspire.ComfySim.Images;
using SkiaSharp;

namespace FluxAspire.ComfySim.Files;

/// <summary>LoadImage: files in the input folder.</summary>
public sealed class InputImages(ComfyFolders folders)
{
    private readonly ComfyFolders _folders = folders;

    /// <summary>LoadImage's custom validation: true when the annotated name refers to an existing file.</summary>
    public bool Exists(string image) => AnnotatedFilePath.Exists(_folders, image);

    /// <summary>
    /// Loads an input image (name may carry " [input]" / " [output]" / " [temp]" and a subfolder) and returns its size.
    /// Throws <see cref="SimNodeException"/> ("PIL.UnidentifiedImageError", "cannot identify image file '…'")
    /// when the file is not an image, and ("FileNotFoundError", "[Errno 2] No such file or directory: '…'") when it is gone.
    /// </summary>
    public SimImage Load(string image)
    {
        var (name, type) = AnnotatedFilePath.Parse(image);
        var path = AnnotatedFilePath.Resolve(_folders, image)
            ?? Path.Combine(_folders.FolderForType(type ?? "input") ?? _folders.InputDirectory, name);
        if (!File.Exists(path))
        {
            throw new SimNodeException("FileNotFoundError", $"[Errno 2] No such file or directory: '{path}'");
        }

        using var codec = SKCodec.Create(path)
            ?? throw new SimNodeException("PIL.UnidentifiedImageError", $"cannot identify image file '{path}'");
        return new SimImage(codec.Info.Width, codec.Info.Height, 1, string.Empty, 0, 0, path);
    }
}
