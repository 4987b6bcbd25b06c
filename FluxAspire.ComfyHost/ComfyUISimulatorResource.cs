namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// ComfyUI played by the FluxAspire.ComfySim project: the ComfyUI protocol with real PNG outputs and no GPU.
/// It takes ComfyUI's own flags (<c>--listen</c>, <c>--port</c>), not <c>ASPNETCORE_URLS</c>.
/// </summary>
/// <param name="name">The resource name, also the connection string name.</param>
/// <param name="dataDirectory">The simulator's --base-directory (models/, input/, output/, temp/).</param>
public sealed class ComfyUISimulatorResource(string name, string dataDirectory) : ProjectResource(name), IComfyUIResource
{
    internal const string PrimaryEndpointName = "http";

    /// <summary>The simulator's base directory: ComfyUI's models/, input/ and output/ folders live under it.</summary>
    public string DataDirectory { get; } = dataDirectory;

    private EndpointReference? _primaryEndpoint;

    /// <summary>The HTTP (and WebSocket) endpoint ComfyUI listens on.</summary>
    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary><c>Endpoint=http://host:port</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)}");
}
