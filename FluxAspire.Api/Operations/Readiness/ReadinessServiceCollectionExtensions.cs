
namespace FluxAspire.Api.Operations.Readiness;

public static class ReadinessServiceCollectionExtensions
{
    public static IHostApplicationBuilder AddReadiness(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WarmupOptions>().BindConfiguration(WarmupOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<WarmupService>();
        return builder;
    }
}
