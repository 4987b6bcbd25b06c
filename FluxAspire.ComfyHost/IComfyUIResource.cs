namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A ComfyUI server (real or simulated) reached over HTTP. Its connection string is <c>Endpoint=http://host:port</c>;
/// services read it as <c>ConnectionStrings__{name}</c>. Each run mode has its own resource type implementing this.
/// </summary>
public interface IComfyUIResource : IResourceWithConnectionString
{
}
