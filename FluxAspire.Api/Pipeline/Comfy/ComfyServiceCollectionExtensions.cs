using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Comfy;

public static class ComfyServiceCollectionExtensions
{
    /// <summary>The ComfyUI client: options, a typed HttpClient without generic resilience, the shared WebSocket, the catalog.</summary>
    public static IHostApplicationBuilder AddComfy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ComfyOptions>().BindConfiguration(ComfyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ComfyOptionsSetup>();
        builder.Services.AddSingleton<IPostConfigureOptions<ComfyOptions>>(sp => sp.GetRequiredService<ComfyOptionsSetup>());
        builder.Services.AddSingleton<IValidateOptions<ComfyOptions>>(sp => sp.GetRequiredService<ComfyOptionsSetup>());
        builder.Services.TryAddSingleton(TimeProvider.System);

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, but it is the way to undo ConfigureHttpClientDefaults for one client
        builder.Services.AddHttpClient(ComfyClient.HttpClientName, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<ComfyOptions>>().Value;
                http.BaseAddress = options.BaseUri;
                http.Timeout = options.RequestTimeout;
            })
            // ServiceDefaults adds the standard resilience handler to every client; its retries would re-send
            // POST /prompt, and ComfyUI would run the prompt twice. ComfyPromptSubmitter retries safely instead.
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        builder.Services.AddSingleton<ComfyClient>();
        builder.Services.AddSingleton<ComfyPromptEvents>();
        builder.Services.AddSingleton<ComfyWebSocket>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ComfyWebSocket>());
        builder.Services.AddSingleton<ComfyCatalog>();
        builder.Services.AddSingleton<ComfyPromptSubmitter>();
        builder.Services.AddSingleton<ComfyPromptRunner>();
        return builder;
    }
}
