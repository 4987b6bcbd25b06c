namespace FluxAspire.ComfySim.Files;

/// <summary>
/// ComfyUI's folder layout: models/&lt;type&gt;/, input/, output/, temp/ under a base directory,
/// each overridable. Model lists are read from disk on every call, as ComfyUI does, so a test can
/// offer any model name by creating a file.
/// </summary>
public sealed class ComfyFolders
{
    /// <summary>The model folder names in the order ComfyUI 0.3.64 lists them at <c>GET /models</c>.</summary>
    public static readonly IReadOnlyList<string> ModelFolderNames =
    [
        "checkpoints", "configs", "loras", "vae", "text_encoders", "diffusion_models", "clip_vision", "style_models",
        "embeddings", "diffusers", "vae_approx", "controlnet", "gligen", "upscale_models", "custom_nodes",
        "hypernetworks", "photomaker", "classifiers", "model_patches", "audio_encoders",
    ];

    public const string DefaultCheckpoint = "flux1-dev-fp8.safetensors";

    private static readonly HashSet<string> ModelExtensions =
        new([".ckpt", ".pt", ".pt2", ".bin", ".pth", ".safetensors", ".pkl", ".sft"], StringComparer.OrdinalIgnoreCase);

    private static readonly HashSet<string> ImageExtensions =
        new([".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"], StringComparer.OrdinalIgnoreCase);

    public ComfyFolders(SimOptions options)
    {
        BaseDirectory = Path.GetFullPath(options.BaseDirectory
            ?? Path.Combine(Path.GetTempPath(), "comfysim-" + Environment.ProcessId));
        OutputDirectory = Path.GetFullPath(options.OutputDirectory ?? Path.Combine(BaseDirectory, "output"));
        InputDirectory = Path.GetFullPath(options.InputDirectory ?? Path.Combine(BaseDirectory, "input"));
        // ComfyUI: --temp-directory DIR makes DIR/temp the temp folder.
        TempDirectory = Path.GetFullPath(Path.Combine(options.TempDirectory ?? BaseDirectory, "temp"));
        ModelsDirectory = Path.Combine(BaseDirectory, "models");
    }

    public string BaseDirectory { get; }
    public string OutputDirectory { get; }
    public string InputDirectory { get; }
    public string TempDirectory { get; }
    public string ModelsDirectory { get; }

    /// <summary>Creates the folders, seeds the default checkpoint when none exists, and empties temp (as ComfyUI does at start).</summary>
    public void Prepare()
    {
        Directory.CreateDirectory(OutputDirectory);
        Directory.CreateDirectory(InputDirectory);
        if (Directory.Exists(TempDirectory))
        {
            Directory.Delete(TempDirectory, recursive: true);
        }

        Directory.CreateDirectory(TempDirectory);
        foreach (var name in ModelFolderNames)
        {
            Directory.CreateDirectory(Path.Combine(ModelsDirectory, name));
        }

        var checkpoints = Path.Combine(ModelsDirectory, "checkpoints");
        if (ListModels("checkpoints") is { Count: 0 })
        {
            File.WriteAllText(Path.Combine(checkpoints, DefaultCheckpoint), "FluxAspire ComfySim placeholder checkpoint\n");
        }
    }

    /// <summary>The folder for a <c>type</c> of output, input or temp; null for any other type.</summary>
    public string? FolderForType(string type) => type switch
    {
        "output" => OutputDirectory,
        "input" => InputDirectory,
        "temp" => TempDirectory,
        _ => null,
    };

    /// <summary>Sorted relative names ('/' separated) of model files in a folder; null for an unknown folder.</summary>
    public IReadOnlyList<string>? ListModels(string folder)
    {
        if (!ModelFolderNames.Contains(folder))
        {
            return null;
        }

        var roots = new[] { Path.Combine(ModelsDirectory, folder), Path.Combine(OutputDirectory, folder) };
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var root in roots.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                if (folder == "custom_nodes" || ModelExtensions.Contains(Path.GetExtension(file)))
                {
                    names.Add(Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'));
                }
            }
        }

        return [.. names];
    }

    /// <summary>Image files at the input root (LoadImage's combo list), sorted.</summary>
    public IReadOnlyList<string> ListInputImages() =>
        Directory.Exists(InputDirectory)
            ? [.. Directory.EnumerateFiles(InputDirectory)
                .Where(f => ImageExtensions.Contains(Path.GetExtension(f)))
                .Select(Path.GetFileName)
                .OfType<string>()
                .Order(StringComparer.Ordinal)]
            : [];

    /// <summary>
    /// Joins a subfolder and file name under a root; null when the result would escape the root.
    /// </summary>
    public static string? SafeJoin(string root, string? subfolder, string fileName)
    {
        var folder = Path.GetFullPath(Path.Combine(root, subfolder ?? string.Empty));
        var rootFull = Path.GetFullPath(root);
        if (!IsInside(rootFull, folder))
        {
            return null;
        }

        var path = Path.GetFullPath(Path.Combine(folder, fileName));
        return IsInside(rootFull, path) ? path : null;
    }

    private static bool IsInside(string root, string path) =>
        path == root || path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
