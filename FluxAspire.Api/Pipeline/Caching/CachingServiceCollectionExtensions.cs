using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Caching;

public static class CachingServiceCollectionExtensions
{
    /// <summary>The result cache: Redis when an IConnectionMultiplexer is registered (ConnectionStrings:cache), else an
    /// in-process store bounded by Cache:MaxMemoryBytes.</summary>
    public static IHostApplicationBuilder AddCaching(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IResultCacheStore>(sp =>
            // Asked without resolving it: resolving connects, which the Redis monitor does off the start-up path.
            sp.GetRequiredService<IServiceProviderIsService>().IsService(typeof(IConnectionMultiplexer))
                ? new RedisResultCacheStore(sp)
                : ActivatorUtilities.CreateInstance<InMemoryResultCacheStore>(sp));
        builder.Services.AddSingleton<ResultCache>();
        builder.Services.AddHostedService<CacheStartupLog>();
        return builder;
    }

    /// <summary>Marks a job endpoint (synchronous, or POST /jobs): honours Cache-Control (no-cache, no-store) and answers X-Cache: hit or miss.</summary>
    public static RouteHandlerBuilder WithResultCache(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter<ResultCacheFilter>();
}
