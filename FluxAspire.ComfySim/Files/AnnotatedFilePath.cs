namespace FluxAspire.ComfySim.Files;

/// <summary>
/// ComfyUI's annotated file names (folder_paths.annotated_filepath): "x.png [output]", "x.png [input]", "x.png [temp]"
/// choose the folder; a plain name uses the caller's default folder. The name may contain a subfolder ("sub/x.png").
/// </summary>
public static class AnnotatedFilePath
{
    private static readonly (string Suffix, string Type)[] Annotations = [(" [output]", "output"), (" [input]", "input"), (" [temp]", "temp")];

    /// <summary>Splits off the annotation: ("x.png", "output") for "x.png [output]"; (name, null) when there is none.</summary>
    public static (string Name, string? Type) Parse(string annotatedName)
    {
        foreach (var (suffix, type) in Annotations)
        {
            if (annotatedName.EndsWith(suffix, StringComparison.Ordinal))
            {
                return (annotatedName[..^suffix.Length], type);
            }
        }

        // ComfyUI also accepts the annotation without the space.
        foreach (var (suffix, type) in Annotations)
        {
            if (annotatedName.EndsWith(suffix[1..], StringComparison.Ordinal))
            {
                return (annotatedName[..^(suffix.Length - 1)], type);
            }
        }

        return (annotatedName, null);
    }

    /// <summary>The full path of an annotated name, or null when it would leave its folder.</summary>
    public static string? Resolve(ComfyFolders folders, string annotatedName, string defaultType = "input")
    {
        var (name, type) = Parse(annotatedName);
        var root = folders.FolderForType(type ?? defaultType);
        return root is null || name.Length == 0 ? null : ComfyFolders.SafeJoin(root, null, name);
    }

    /// <summary>folder_paths.exists_annotated_filepath: the file exists in its (default: input) folder.</summary>
    public static bool Exists(ComfyFolders folders, string annotatedName) =>
        Resolve(folders, annotatedName) is { } path && File.Exists(path);
}
