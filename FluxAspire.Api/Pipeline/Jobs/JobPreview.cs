namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>A sampler preview of a running job (POST /jobs with "previews": true): step <see cref="Step"/> of
/// <see cref="Max"/> as a small image ComfyUI made from the latent.</summary>
public sealed record JobPreview(int Step, int Max, string? Node, string ContentType, byte[] Image);
