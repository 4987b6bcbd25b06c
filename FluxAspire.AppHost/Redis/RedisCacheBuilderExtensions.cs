using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using HealthChecks.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FluxAspire.AppHost.Redis;

/// <summary>Redis in the app model: the container where one can run, else Debian's redis-server, else none.</summary>
public static class RedisCacheBuilderExtensions
{
    /// <summary>How often the container snapshots when at least one key changed (it also keeps an append-only file).</summary>
    private static readonly TimeSpan SnapshotInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Adds Redis as <c>Redis:Mode</c> says (auto by default: see <see cref="RedisHostingChoice.Choose"/>) and logs the
    /// choice at start. Returns null in mode none (or auto with nothing to run): the API then gets no
    /// <c>ConnectionStrings__cache</c> and runs as a single node.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource and connection string name.</param>
    /// <param name="containerRuntime">Asked, in auto mode, whether the runtime Aspire uses answers; share the one ComfyUI asks.</param>
    public static IResourceBuilder<IResourceWithConnectionString>? AddRedisCache(
        this IDistributedApplicationBuilder builder, string name, ContainerRuntimeProbe containerRuntime)
    {
        var choice = RedisHostingChoice.Choose(
            RedisHostOptions.From(builder.Configuration),
            builder.ExecutionContext.IsPublishMode,
            // The app model is built synchronously; the probe is bounded by a short timeout (and has usually answered ComfyUI already).
            () => containerRuntime.FindAsync(ContainerRuntimeName.Configured(builder.Configuration), CancellationToken.None).GetAwaiter().GetResult(),
            path => ExecutableSearch.Find(path ?? "redis-server"));
        LogChoiceAtStart(builder, choice);
        return choice.Mode switch
        {
            RedisHostingMode.Container => builder.AddRedisContainer(name),
            RedisHostingMode.Executable => builder.AddRedisServer(name, choice.ServerPath!),
            _ => null,
        };
    }

    /// <summary>The official Redis container with a named data volume, snapshots and an append-only file.</summary>
    public static IResourceBuilder<RedisResource> AddRedisContainer(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddRedis(name)
            .WithDataVolume()
            .WithPersistence(SnapshotInterval, keysChangedThreshold: 1)
            .WithArgs(AppendOnly);

    /// <summary>
    /// <paramref name="serverPath"/> (Debian's redis-server) as an executable on 127.0.0.1 and a port Aspire allocates, with
    /// an append-only file in a folder of its own per AppHost run (so a restart of Redis keeps accepted jobs), no RDB
    /// snapshots, and a health check that PINGs it.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(
        this IDistributedApplicationBuilder builder, string name, string serverPath)
    {
        var resource = new RedisServerResource(name, serverPath, builder.AppHostDirectory,
            Path.Combine(Path.GetTempPath(), "fluxaspire", $"{name}-{Environment.ProcessId}"));

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource, async (_, ct) =>
            connectionString = await resource.ConnectionStringExpression.GetValueAsync(ct));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, (_, _) =>
        {
            Directory.CreateDirectory(resource.DataDirectory);
            return Task.CompletedTask;
        });
        var healthCheckKey = $"{name}_ping";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException($"{name}: the connection string is not known yet"),
            name: healthCheckKey);

        return builder.AddResource(resource)
            .WithEndpoint(name: RedisServerResource.PrimaryEndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                foreach (var arg in (string[])[
                             "--bind", "127.0.0.1",
                             "--protected-mode", "yes",
                             "--dir", resource.DataDirectory,
                             "--appendonly", "yes",
                             "--save", ""])
                {
                    context.Args.Add(arg);
                }
            })
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>References <paramref name="cache"/> (<c>ConnectionStrings__cache</c>) and waits until it is healthy; no-op
    /// without one (the API then runs as a single node).</summary>
    public static IResourceBuilder<T> WithRedisCache<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString>? cache)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport =>
        cache is null ? builder : builder.WithReference(cache).WaitFor(cache);

    // The container runs "/bin/sh -c '<command>'" (so the password stays an environment variable). When publishing, AddRedis
    // has already joined the command into that one string, which later args would not reach; in run mode the args are
    // still separate and joined after every callback ran.
    private static void AppendOnly(CommandLineArgsCallbackContext context)
    {
        var shell = context.Args.IndexOf("-c");
        if (shell >= 0 && shell + 1 < context.Args.Count && context.Args[shell + 1] is string command
            && command.StartsWith("redis-server", StringComparison.Ordinal))
        {
            context.Args[shell + 1] = command + " --appendonly yes";
        }
        else
        {
            context.Args.Add("--appendonly");
            context.Args.Add("yes");
        }
    }

    private static void LogChoiceAtStart(IDistributedApplicationBuilder builder, RedisHostingChoice choice) =>
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FluxAspire");
            if (choice.Mode == RedisHostingMode.None)
            {
                logger.LogWarning("Redis: none ({Why}); the API keeps jobs and its result cache in memory: run one replica", choice.Why);
            }
            else
            {
                logger.LogInformation("Redis: {Mode} ({Why})", choice.Mode.ToString().ToLower(CultureInfo.InvariantCulture), choice.Why);
            }

            return Task.CompletedTask;
        });
}
