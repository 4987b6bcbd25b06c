namespace FluxAspire.Api.Readiness;

public static class ReadinessServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddWarmup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WarmupOptions>().BindConfiguration(WarmupOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ReadinessState>();
        builder.Services.AddHostedService<WarmupService>();
        return builder;
    }
}
