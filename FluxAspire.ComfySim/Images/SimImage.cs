namespace FluxAspire.ComfySim.Images;

/// <summary>
/// The value an IMAGE link carries through a simulated graph: everything needed to render the pixels
/// deterministically. Same (prompt, seed, size, steps) → same bytes; a different prompt → a visibly different picture.
/// </summary>
/// <param name="Width">Pixels (latent width, or the loaded image's width).</param>
/// <param name="Height">Pixels.</param>
/// <param name="BatchSize">Number of images in the batch.</param>
/// <param name="Prompt">The positive prompt text that reached the sampler ("" when none).</param>
/// <param name="Seed">The sampler seed (0 when there was no sampler).</param>
/// <param name="Steps">Sampler steps (0 when there was no sampler).</param>
/// <param name="SourceFile">For LoadImage: the absolute path of the loaded file; null for generated images.</param>
public sealed record SimImage(int Width, int Height, int BatchSize, string Prompt, ulong Seed, int Steps, string? SourceFile = null);
