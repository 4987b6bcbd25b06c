using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Delivery.Outbound;

public static class OutboundServiceCollectionExtensions
{
    /// <summary>The SSRF guard (<see cref="IOutboundUrlGuard"/>) and the guarded "outbound" HttpClient.</summary>
    public static IHostApplicationBuilder AddOutbound(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboundUrlsOptions>().BindConfiguration(OutboundUrlsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IOutboundUrlGuard, OutboundUrlGuard>();
        builder.Services.AddTransient<OutboundRedirectHandler>();

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, but it is the way to undo ConfigureHttpClientDefaults for one client
        builder.Services.AddHttpClient(OutboundHttp.ClientName, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<OutboundUrlsOptions>>().Value;
                http.Timeout = options.Timeout;
                http.MaxResponseContentBufferSize = Math.Min(options.MaxResponseBytes, int.MaxValue);
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
                OutboundConnector.CreateHandler(sp.GetRequiredService<IOutboundUrlGuard>(), sp.GetRequiredService<IOptions<OutboundUrlsOptions>>().Value))
            .AddHttpMessageHandler<OutboundRedirectHandler>()
            // Generic retries would re-send webhooks and uploads on their own schedule; callers retry deliberately.
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
