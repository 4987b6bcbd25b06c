using FluxAspire.ComfySim.Files;

namespace FluxAspire.ComfySim.Schemas;

/// <summary>The input-folder (and diffusers) listings that ComfyUI's loader nodes build in INPUT_TYPES.</summary>
internal static class InputFolderLists
{
    // Python's mimetypes guesses for the common audio and video extensions (folder_paths.filter_files_content_types).
    private static readonly HashSet<string> AudioExtensions =
        new([".mp3", ".mp2", ".wav", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".aac", ".aif", ".aiff", ".aifc", ".au", ".snd", ".ra"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> VideoExtensions =
        new([".mp4", ".m4v", ".webm", ".mov", ".qt", ".avi", ".mkv", ".mpeg", ".mpg", ".mpe", ".wmv", ".flv", ".ts"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> Model3DExtensions = new([".gltf", ".glb", ".obj", ".fbx", ".stl"], StringComparer.OrdinalIgnoreCase);

    /// <summary>LoadLatent: files at the input root ending in ".latent".</summary>
    public static IReadOnlyList<string> Latents(ComfyFolders folders) =>
        FilesAtInputRoot(folders, name => name.EndsWith(".latent", StringComparison.Ordinal));

    /// <summary>LoadAudio: audio and video files at the input root.</summary>
    public static IReadOnlyList<string> AudioAndVideo(ComfyFolders folders) =>
        FilesAtInputRoot(folders, name => AudioExtensions.Contains(Path.GetExtension(name)) || VideoExtensions.Contains(Path.GetExtension(name)));

    /// <summary>LoadVideo: video files at the input root.</summary>
    public static IReadOnlyList<string> Videos(ComfyFolders folders) =>
        FilesAtInputRoot(folders, name => VideoExtensions.Contains(Path.GetExtension(name)));

    /// <summary>Load3D: 3D model files anywhere under input/3d, named relative to input ("3d/x.glb").</summary>
    public static IReadOnlyList<string> Models3D(ComfyFolders folders)
    {
        var root = Path.Combine(folders.InputDirectory, "3d");
        return Directory.Exists(root)
            ? [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                .Where(f => Model3DExtensions.Contains(Path.GetExtension(f)))
                .Select(f => RelativeName(folders.InputDirectory, f))
                .Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>folder_paths.get_input_subfolders: every folder under input, relative, sorted.</summary>
    public static IReadOnlyList<string> Subfolders(ComfyFolders folders) =>
        Directory.Exists(folders.InputDirectory)
            ? [.. Directory.EnumerateDirectories(folders.InputDirectory, "*", SearchOption.AllDirectories)
                .Select(d => RelativeName(folders.InputDirectory, d))
                .Order(StringComparer.Ordinal)]
            : [];

    /// <summary>DiffusersLoader: folders under models/diffusers that hold a model_index.json.</summary>
    public static IReadOnlyList<string> DiffusersModels(ComfyFolders folders)
    {
        var root = Path.Combine(folders.ModelsDirectory, "diffusers");
        if (!Directory.Exists(root))
        {
            return [];
        }

        return [.. new[] { root }.Concat(Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories))
            .Where(d => File.Exists(Path.Combine(d, "model_index.json")))
            .Select(d => RelativeName(root, d))];
    }

    private static IReadOnlyList<string> FilesAtInputRoot(ComfyFolders folders, Func<string, bool> keep) =>
        Directory.Exists(folders.InputDirectory)
            ? [.. Directory.EnumerateFiles(folders.InputDirectory)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(keep)
                .Order(StringComparer.Ordinal)]
            : [];

    private static string RelativeName(string root, string path) => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
}
