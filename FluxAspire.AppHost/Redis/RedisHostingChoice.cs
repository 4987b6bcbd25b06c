using Aspire.Hosting;

namespace FluxAspire.AppHost.Redis;

/// <summary>The Redis the AppHost runs, and why: logged at start, so nobody wonders where Redis went.</summary>
/// <param name="Mode">Container, Executable or None (never Auto).</param>
/// <param name="Why">One sentence for the log.</param>
/// <param name="ServerPath">The redis-server to run (Executable only).</param>
public sealed record RedisHostingChoice(RedisHostingMode Mode, string Why, string? ServerPath = null)
{
    /// <summary>
    /// Publishing always means a container (a deployment has no Debian package to lean on). Otherwise the configured mode
    /// wins; auto asks the probes, cheapest meaningful order first: a container runtime that answers, then redis-server.
    /// </summary>
    /// <param name="options">The <c>Redis</c> section.</param>
    /// <param name="isPublishMode">True when writing a manifest or deploying.</param>
    /// <param name="findContainerRuntime">Probe: does Docker/Podman answer? Asked only in auto mode.</param>
    /// <param name="findServer">Probe: the full path of a redis-server, or null.</param>
    public static RedisHostingChoice Choose(
        RedisHostOptions options, bool isPublishMode, Func<ProbeResult> findContainerRuntime, Func<string?, string?> findServer)
    {
        if (isPublishMode)
        {
            return new(RedisHostingMode.Container, "publishing: Redis is the official container with a data volume");
        }

        switch (options.Mode)
        {
            case RedisHostingMode.Container:
                return new(RedisHostingMode.Container, "Redis:Mode is container");
            case RedisHostingMode.None:
                return new(RedisHostingMode.None, "Redis:Mode is none");
            case RedisHostingMode.Executable:
                return findServer(options.ServerPath) is { } path
                    ? new(RedisHostingMode.Executable, $"Redis:Mode is executable ({path})", path)
                    : throw new InvalidOperationException($"Redis:Mode is executable, but {NoServer(options.ServerPath)}");
        }

        var runtime = findContainerRuntime();
        var runtimeText = ContainerRuntimeProbe.Describe(runtime);
        if (runtime.Found)
        {
            return new(RedisHostingMode.Container, runtimeText);
        }

        return findServer(options.ServerPath) is { } server
            ? new(RedisHostingMode.Executable, $"{runtimeText}; running {server}", server)
            : new(RedisHostingMode.None, $"{runtimeText}, and {NoServer(options.ServerPath)}");
    }

    private static string NoServer(string? serverPath) => serverPath is null
        ? "redis-server is not on PATH (apt-get install redis-server, or set Redis:ServerPath)"
        : $"Redis:ServerPath '{serverPath}' does not exist";
}
