using System.Net;
using StackExchange.Redis;

namespace FluxAspire.Api.Operations.Redis;

public static class RedisServiceCollectionExtensions
{
    /// <summary>The connection string name: ConnectionStrings:cache (env ConnectionStrings__cache, set by the AppHost).</summary>
    public const string ConnectionName = "cache";

    /// <summary>
    /// The Redis connection shared by the result cache and the job store, when ConnectionStrings:cache is set: an
    /// <see cref="IConnectionMultiplexer"/> that never fails the start, gives up on a call after <see cref="RedisOptions.Timeout"/>,
    /// fails calls at once while disconnected (callers fall back instead of queueing) and reconnects by itself.
    /// Always registers <see cref="RedisAvailability"/> and the monitor that keeps it current. Without a connection string no
    /// multiplexer is registered (callers take it as optional) and start-up logs that this is a single node.
    /// </summary>
    public static IHostApplicationBuilder AddRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        string? endpoint = null;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            endpoint = DescribeEndpoints(connectionString);
            var timeout = (int)(builder.Configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new RedisOptions())
                .Timeout.TotalMilliseconds;
            builder.AddRedisClient(ConnectionName,
                // A Redis outage must not make /health (liveness) fail and restart the API: /ready lists it as degraded instead.
                settings => settings.DisableHealthChecks = true,
                configuration =>
                {
                    configuration.AbortOnConnectFail = false;
                    configuration.ConnectTimeout = timeout;
                    configuration.ConnectRetry = 1; // the first connect blocks its caller (the monitor) at most one timeout
                    configuration.SyncTimeout = timeout;
                    configuration.AsyncTimeout = timeout;
                    configuration.BacklogPolicy = BacklogPolicy.FailFast;
                    configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 2000);
                });
        }

        builder.Services.AddSingleton(sp => new RedisAvailability(
            endpoint, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RedisAvailability>>()));
        builder.Services.AddHostedService<RedisAvailabilityMonitor>();
        return builder;
    }

    /// <summary>"host:port[,host:port]" from a StackExchange.Redis connection string, leaving out the password and options.</summary>
    internal static string DescribeEndpoints(string connectionString)
    {
        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The message names the bad option, never the connection string (it may hold the password).
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} is not a valid Redis connection string: {ex.Message}");
        }

        return parsed.EndPoints.Count == 0
            ? throw new InvalidOperationException($"ConnectionStrings:{ConnectionName} names no Redis endpoint (expected host:port)")
            : string.Join(",", parsed.EndPoints.Select(e => e switch
            {
                DnsEndPoint dns => $"{dns.Host}:{(dns.Port == 0 ? 6379 : dns.Port)}",
                IPEndPoint ip => $"{ip.Address}:{(ip.Port == 0 ? 6379 : ip.Port)}",
                _ => e.ToString(),
            }));
    }
}
