namespace FluxAspire.ComfySim.Images;

/// <summary>Renders simulated pictures: deterministic in (prompt, seed, size, steps), labelled as simulated.</summary>
public sealed class ImageRenderer
{
    /// <summary>
    /// Image <paramref name="index"/> of the batch as an 8-bit RGB PNG (colour type 2), with <c>tEXt</c> chunks in the
    /// given order right after IHDR. <paramref name="compressLevel"/> follows ComfyUI (4 for SaveImage, 1 for PreviewImage).
    /// </summary>
    public byte[] RenderPng(SimImage image, int index, IReadOnlyList<KeyValuePair<string, string>> textChunks, int compressLevel) =>
        throw new NotImplementedException("H3");

    /// <summary>A latent2rgb-style preview for one sampler step: a JPEG (quality 95) fitted in a previewSize square.</summary>
    public byte[] RenderPreviewJpeg(SimImage image, int step, int totalSteps, int previewSize) =>
        throw new NotImplementedException("H3");
}
