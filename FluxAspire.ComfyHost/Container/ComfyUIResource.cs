namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Real ComfyUI in a container, built from the repository's <c>comfyui/Dockerfile</c>: ComfyUI lives at
/// <see cref="ComfyUIDirectory"/> in the image and serves HTTP and WebSocket on <see cref="DefaultPort"/>.
/// </summary>
/// <param name="name">The resource name, also the connection string name.</param>
public sealed class ComfyUIResource(string name) : ContainerResource(name), IComfyUIResource
{
    /// <summary>The name of the HTTP endpoint.</summary>
    public const string PrimaryEndpointName = "http";

    /// <summary>The port ComfyUI listens on inside the container.</summary>
    public const int DefaultPort = 8188;

    /// <summary>Where the Dockerfile puts ComfyUI inside the image.</summary>
    public const string ComfyUIDirectory = "/opt/ComfyUI";

    /// <summary>ComfyUI's models folder inside the container: the model volume is mounted here.</summary>
    public const string ModelsPath = ComfyUIDirectory + "/models";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The HTTP (and WebSocket) endpoint ComfyUI listens on.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary><c>Endpoint=http://host:port</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)}");
}
