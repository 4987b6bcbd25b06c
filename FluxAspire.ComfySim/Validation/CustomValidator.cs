using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Files;

namespace FluxAspire.ComfySim.Validation;

/// <summary>
/// A node's own VALIDATE_INPUTS (classic) or validate_inputs (V3). In ComfyUI 0.3.64 the core nodes that have one
/// all check that a file named by one input exists (folder_paths.exists_annotated_filepath), and return
/// "Invalid … file: NAME" otherwise.
/// </summary>
/// <param name="FunctionName">Python's qualified name, for the TypeError when the input is absent.</param>
/// <param name="InputName">The one argument it takes (besides cls).</param>
/// <param name="FileKind">"image", "latent", "audio" or "video", as in the message.</param>
public sealed record CustomValidator(string FunctionName, string InputName, string FileKind)
{
    private static readonly Dictionary<string, CustomValidator> ByClass = new(StringComparer.Ordinal)
    {
        ["LoadImage"] = new("LoadImage.VALIDATE_INPUTS", "image", "image"),
        ["LoadImageMask"] = new("LoadImageMask.VALIDATE_INPUTS", "image", "image"),
        ["LoadImageOutput"] = new("LoadImage.VALIDATE_INPUTS", "image", "image"), // inherited from LoadImage
        ["WebcamCapture"] = new("LoadImage.VALIDATE_INPUTS", "image", "image"), // inherited from LoadImage
        ["LoadLatent"] = new("LoadLatent.VALIDATE_INPUTS", "latent", "latent"),
        ["LoadAudio"] = new("LoadAudio.VALIDATE_INPUTS", "audio", "audio"),
        ["LoadVideo"] = new("LoadVideo.validate_inputs", "file", "video"),
    };

    /// <summary>The validator of a class, or null when it has none.</summary>
    public static CustomValidator? For(string classType) => ByClass.GetValueOrDefault(classType);

    /// <summary>
    /// Runs the validator on the value ComfyUI would pass (null for a linked input, which it does not resolve
    /// while validating). Returns null when valid, else the message. Raises the Python exception ComfyUI would.
    /// </summary>
    public string? Run(ComfyFolders folders, bool present, JsonNode? value)
    {
        if (!present)
        {
            throw new PythonException("TypeError", $"{FunctionName}() missing 1 required positional argument: '{InputName}'");
        }

        if (PythonValues.KindOf(value) != PythonKind.Str)
        {
            // annotated_filepath calls name.endswith(...)
            throw new PythonException("AttributeError", $"'{PythonValues.TypeName(value)}' object has no attribute 'endswith'");
        }

        var name = value!.GetValue<string>();
        return AnnotatedFilePath.Exists(folders, name) ? null : $"Invalid {FileKind} file: {name}";
    }
}
