namespace FluxAspire.Api.Delivery.SystemWebhooks;

public static class SystemWebhooksServiceCollectionExtensions
{
    /// <summary>System webhooks (SYSTEM_WEBHOOK_URL / SYSTEM_WEBHOOK_EVENTS). Settings are parsed here, so an unknown
    /// event name stops the app before it serves anything.</summary>
    public static IHostApplicationBuilder AddSystemWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(SystemWebhookSettings.FromConfiguration(builder.Configuration));
        builder.Services.AddSingleton<SystemWebhookNotifier>();
        builder.Services.AddHostedService<SystemWebhookStartup>();
        return builder;
    }
}
