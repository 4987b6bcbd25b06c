namespace Aspire.Hosting.ApplicationModel;

/// <summary>A ComfyUI that runs elsewhere (a GPU box, a Salad node), known by its URL; the app model does not start it.</summary>
/// <param name="name">The resource name, also the connection string name.</param>
/// <param name="url">The base URL of ComfyUI, e.g. <c>http://gpu-box:8188</c>.</param>
public sealed class ComfyUIExternalResource(string name, Uri url) : Resource(name), IComfyUIResource
{
    /// <summary>The base URL of ComfyUI, ending in '/' so that relative routes keep a reverse proxy's path prefix.</summary>
    public Uri Url { get; } = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");

    /// <summary><c>Endpoint=http://host:port</c> (with the path prefix, if any, and no trailing slash).</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={Url.AbsoluteUri.TrimEnd('/')}");
}
