namespace FluxAspire.AppHost.Redis;

/// <summary>Where the AppHost's Redis comes from (<c>Redis:Mode</c>).</summary>
public enum RedisHostingMode
{
    /// <summary>A container where a container runtime answers, else Debian's redis-server, else none.</summary>
    Auto,

    /// <summary>The official Redis container (Aspire.Hosting.Redis), with a data volume; needs Docker or Podman.</summary>
    Container,

    /// <summary>A local <c>redis-server</c> run by Aspire as an executable (<c>apt-get install redis-server</c>).</summary>
    Executable,

    /// <summary>No Redis: the API keeps jobs and its result cache in memory and must run as a single replica.</summary>
    None,
}
