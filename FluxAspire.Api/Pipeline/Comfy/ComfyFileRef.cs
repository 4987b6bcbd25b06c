namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>A file a node wrote, as listed in history outputs: fetch it with GET /view.</summary>
public sealed record ComfyFileRef(string NodeId, string Filename, string Subfolder, string Type);
