namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>ComfyUI's "progress" message for a running job: step <see cref="Value"/> of <see cref="Max"/> in <see cref="Node"/>.</summary>
public sealed record JobProgress(int Value, int Max, string? Node);
