using FluxAspire.ComfySim;
using FluxAspire.ComfySim.Files;

namespace FluxAspire.Tests.ComfySim.Files;

/// <summary>A ComfyUI folder layout in a fresh temporary directory, removed on dispose.</summary>
public sealed class TempFolders : IDisposable
{
    public TempFolders()
    {
        Base = Directory.CreateTempSubdirectory("comfysim-files-").FullName;
        Folders = new ComfyFolders(new SimOptions { BaseDirectory = Base });
        Folders.Prepare();
    }

    public string Base { get; }
    public ComfyFolders Folders { get; }

    public void Dispose()
    {
        try { Directory.Delete(Base, recursive: true); } catch (IOException) { }
    }
}
