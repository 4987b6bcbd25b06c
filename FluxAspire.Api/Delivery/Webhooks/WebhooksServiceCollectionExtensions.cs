using FluxAspire.Api.Delivery.Uploads;

namespace FluxAspire.Api.Delivery.Webhooks;

public static class WebhooksServiceCollectionExtensions
{
    /// <summary>Result delivery: webhook_v2 / legacy webhooks through a background queue, and http_upload (used by
    /// Pipeline/JobEndDelivery when a job ends).</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // Parsed once at startup: a secret that is not base64 stops the app instead of failing every signature.
        builder.Services.AddSingleton(sp => WebhookSecret.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        builder.Services.AddSingleton<HttpUploader>();
        return builder;
    }
}
