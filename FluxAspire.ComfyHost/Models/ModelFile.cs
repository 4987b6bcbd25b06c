using System.Text.RegularExpressions;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>One file the model-download step puts into ComfyUI's models folder.</summary>
/// <param name="Url">Where to download it from.</param>
/// <param name="Path">Where it goes, relative to the models folder, with '/' separators (e.g. <c>checkpoints/x.safetensors</c>).</param>
/// <param name="Sha256">The expected SHA-256 (64 hex digits); <see langword="null"/> accepts any content, unverified.</param>
/// <param name="Size">The expected size in bytes, if known: progress shows a percentage before the server says.</param>
public sealed partial record ModelFile(Uri Url, string Path, string? Sha256 = null, long? Size = null)
{
    /// <summary>
    /// FLUX.1-dev FP8 as one checkpoint (diffusion model, T5-XXL and CLIP-L text encoders, VAE), the file the FLUX graph's
    /// <c>CheckpointLoaderSimple</c> loads: Comfy-Org's public, ungated copy on Hugging Face.
    /// </summary>
    public static ModelFile FluxDevFp8Checkpoint { get; } = new(
        new Uri("https://huggingface.co/Comfy-Org/flux1-dev/resolve/main/flux1-dev-fp8.safetensors"),
        "checkpoints/flux1-dev-fp8.safetensors",
        "8e91b68084b53a7fc44ed2a3756d821e355ac1a7b6fe29be760c1db532f3d88a",
        17_246_524_772);

    /// <summary>Checks the values; the message names <paramref name="source"/> (e.g. the configuration key).</summary>
    /// <exception cref="InvalidOperationException">A value is unusable.</exception>
    public ModelFile Validate(string source)
    {
        if (!Url.IsAbsoluteUri || Url.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{source}:Url '{Url}' is not an absolute http(s) URL");
        }

        var segments = Path.Split('/');
        if (Path.Length == 0 || System.IO.Path.IsPathRooted(Path) || Path.Contains('\\')
            || segments.Any(s => s is "" or "." or ".."))
        {
            throw new InvalidOperationException(
                $"{source}:Path '{Path}' must be a relative path inside the models folder, such as checkpoints/model.safetensors");
        }

        if (Sha256 is not null && !Sha256Pattern().IsMatch(Sha256))
        {
            throw new InvalidOperationException($"{source}:Sha256 '{Sha256}' is not 64 hexadecimal digits");
        }

        return Sha256 is null ? this : this with { Sha256 = Sha256.ToLowerInvariant() };
    }

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Pattern();
}
