namespace Aspire.Hosting.ApplicationModel;

/// <summary>A ComfyUI server (real or simulated) reached over HTTP; its connection string is <c>Endpoint=http://host:port</c>.</summary>
public interface IComfyUIResource : IResourceWithConnectionString
{
}
