namespace Aspire.Hosting.ApplicationModel;

/// <summary>A local ComfyUI checkout run as <c>python main.py</c> on 127.0.0.1 and a port Aspire allocates.</summary>
/// <param name="name">The resource name, also the connection string name.</param>
/// <param name="python">The Python that runs <c>main.py</c>.</param>
/// <param name="comfyUIDirectory">The checkout (the folder with <c>main.py</c>); also the working directory.</param>
/// <param name="gpu">The one GPU this ComfyUI drives (one per GPU); its input, output and temp folders are then its own,
/// under <c>instances/{name}</c> in the checkout, while the models folder stays shared.</param>
public sealed class ComfyUIExecutableResource(string name, string python, string comfyUIDirectory, int? gpu = null)
    : ExecutableResource(name, python, comfyUIDirectory), IComfyUIResource
{
    /// <summary>The name of the HTTP endpoint.</summary>
    public const string PrimaryEndpointName = "http";

    private EndpointReference? _primaryEndpoint;

    /// <summary>The checkout.</summary>
    public string ComfyUIDirectory { get; } = Path.GetFullPath(comfyUIDirectory);

    /// <summary>ComfyUI's models folder in the checkout.</summary>
    public string ModelsDirectory => Path.Combine(ComfyUIDirectory, "models");

    /// <summary>The GPU index it runs on (<c>CUDA_VISIBLE_DEVICES</c>), when one ComfyUI runs per GPU.</summary>
    public int? Gpu { get; } = gpu;

    /// <summary>Where its own folders are: the checkout, or <c>instances/{name}</c> in it when it has one GPU of several.</summary>
    public string InstanceDirectory => Gpu is null ? ComfyUIDirectory : Path.Combine(ComfyUIDirectory, "instances", Name);

    /// <summary>ComfyUI's input folder.</summary>
    public string InputDirectory => Path.Combine(InstanceDirectory, "input");

    /// <summary>ComfyUI's output folder.</summary>
    public string OutputDirectory => Path.Combine(InstanceDirectory, "output");

    /// <summary>ComfyUI's temp folder.</summary>
    public string TempDirectory => Path.Combine(InstanceDirectory, "temp");

    /// <summary>The HTTP (and WebSocket) endpoint ComfyUI listens on.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary><c>Endpoint=http://host:port</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)}");
}
