namespace Aspire.Hosting.ApplicationModel;

/// <summary>A local ComfyUI checkout run as <c>python main.py</c> on 127.0.0.1 and a port Aspire allocates.</summary>
/// <param name="name">The resource name, also the connection string name.</param>
/// <param name="python">The Python that runs <c>main.py</c>.</param>
/// <param name="comfyUIDirectory">The checkout (the folder with <c>main.py</c>); also the working directory.</param>
public sealed class ComfyUIExecutableResource(string name, string python, string comfyUIDirectory)
    : ExecutableResource(name, python, comfyUIDirectory), IComfyUIResource
{
    /// <summary>The name of the HTTP endpoint.</summary>
    public const string PrimaryEndpointName = "http";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The checkout.</summary>
    public string ComfyUIDirectory { get; } = Path.GetFullPath(comfyUIDirectory);

    /// <summary>ComfyUI's models folder in the checkout.</summary>
    public string ModelsDirectory => Path.Combine(ComfyUIDirectory, "models");

    /// <summary>ComfyUI's input folder in the checkout.</summary>
    public string InputDirectory => Path.Combine(ComfyUIDirectory, "input");

    /// <summary>ComfyUI's output folder in the checkout.</summary>
    public string OutputDirectory => Path.Combine(ComfyUIDirectory, "output");

    /// <summary>The HTTP (and WebSocket) endpoint ComfyUI listens on.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary><c>Endpoint=http://host:port</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)}");
}
