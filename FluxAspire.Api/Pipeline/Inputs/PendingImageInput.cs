namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>An image a job uploads to ComfyUI just before it runs; <see cref="FileName"/> is unique per job, so the
/// file can be deleted when the job ends.</summary>
public sealed record PendingImageInput(string NodeId, string InputName, string FileName, byte[] Content, string MediaType);
