using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.AppHost.Redis;

/// <summary>
/// Debian's <c>redis-server</c> run by Aspire as an executable (no container runtime needed). It has a connection string,
/// so <c>WithReference</c> gives dependents <c>ConnectionStrings__{name}=host:port</c> and <c>WaitFor</c> waits for its
/// health check, as with the container.
/// </summary>
/// <param name="name">The resource and connection string name.</param>
/// <param name="command">The redis-server to run.</param>
/// <param name="workingDirectory">Where it runs.</param>
/// <param name="dataDirectory">Its <c>--dir</c>: the append-only file lives here, one folder per AppHost run.</param>
public sealed class RedisServerResource(string name, string command, string workingDirectory, string dataDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public string DataDirectory { get; } = dataDirectory;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    /// <summary><c>host:port</c> (no password: it listens on loopback only).</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
