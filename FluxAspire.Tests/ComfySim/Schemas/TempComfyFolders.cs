using FluxAspire.ComfySim;
using FluxAspire.ComfySim.Files;

namespace FluxAspire.Tests.ComfySim.Schemas;

/// <summary>A prepared ComfyUI folder layout in a fresh temp directory (models/checkpoints holds the default checkpoint).</summary>
public sealed class TempComfyFolders : IDisposable
{
    public TempComfyFolders()
    {
        Folders = new ComfyFolders(new SimOptions { BaseDirectory = Directory.CreateTempSubdirectory("comfysim-folders-").FullName });
        Folders.Prepare();
    }

    public ComfyFolders Folders { get; }

    public string Model(string folder, string name) => Path.Combine(Folders.ModelsDirectory, folder, name);

    public string Input(string name) => Path.Combine(Folders.InputDirectory, name);

    public static void Touch(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
    }

    public void Dispose()
    {
        try { Directory.Delete(Folders.BaseDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
