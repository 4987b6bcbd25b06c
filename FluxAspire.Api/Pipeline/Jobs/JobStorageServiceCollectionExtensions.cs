using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

public static class JobStorageServiceCollectionExtensions
{
    /// <summary>The connection string name of the Redis that replicas share (ConnectionStrings__cache).</summary>
    public const string ConnectionName = "cache";

    /// <summary>
    /// With Redis configured: jobs, their events and outputs in Redis and work shared by every replica through it, with
    /// this process's memory as the fallback while Redis is unreachable. Without it: the in-process store and queue only.
    /// </summary>
    public static IHostApplicationBuilder AddJobStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<InMemoryJobStore>();
        builder.Services.AddSingleton<InMemoryJobQueue>();
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(ConnectionName)))
        {
            builder.Services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<InMemoryJobStore>());
            builder.Services.AddSingleton<IJobQueue>(sp => sp.GetRequiredService<InMemoryJobQueue>());
            builder.Services.AddSingleton<IRemoteJobStopper, NoRemoteJobStopper>();
            return builder;
        }

        if (!builder.Services.Any(s => s.ServiceType == typeof(IConnectionMultiplexer)))
        {
            builder.AddRedisClient(ConnectionName, configureOptions: options => options.AbortOnConnectFail = false);
        }

        builder.Services.AddSingleton<RedisSignals>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisSignals>());
        builder.Services.AddSingleton<RedisJobStore>();
        builder.Services.AddSingleton<RedisJobQueue>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisJobQueue>());
        builder.Services.AddSingleton<FailoverJobStore>();
        builder.Services.AddSingleton<FailoverJobQueue>();
        builder.Services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<FailoverJobStore>());
        builder.Services.AddSingleton<IJobQueue>(sp => sp.GetRequiredService<FailoverJobQueue>());
        builder.Services.AddSingleton<RedisJobStopper>();
        builder.Services.AddSingleton<IRemoteJobStopper>(sp => sp.GetRequiredService<RedisJobStopper>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisJobStopper>());
        return builder;
    }
}
