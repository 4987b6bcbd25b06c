using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Comfy;

public static class ComfyServiceCollectionExtensions
{
    /// <summary>The ComfyUI client: options, a named HttpClient with the standard resilience handler (safe methods retried), the shared WebSocket, the catalog.</summary>
    public static IHostApplicationBuilder AddComfyClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ComfyOptions>().BindConfiguration(ComfyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ComfyOptionsSetup>();
        builder.Services.AddSingleton<IPostConfigureOptions<ComfyOptions>>(sp => sp.GetRequiredService<ComfyOptionsSetup>());
        builder.Services.AddSingleton<IValidateOptions<ComfyOptions>>(sp => sp.GetRequiredService<ComfyOptionsSetup>());
        builder.Services.TryAddSingleton(TimeProvider.System);

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, but it is the way to re-configure the handler ConfigureHttpClientDefaults added
        builder.Services.AddHttpClient(ComfyClient.HttpClientName, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<ComfyOptions>>().Value;
                http.BaseAddress = options.BaseUri;
                http.Timeout = options.RequestTimeout;
            })
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) =>
            {
                // A retried POST /prompt would make ComfyUI run the prompt twice: only safe methods (GET) are retried here;
                // ComfyPromptSubmitter retries submissions itself, safely.
                resilience.Retry.DisableForUnsafeHttpMethods();
                // ComfyUI:RequestTimeout (HttpClient.Timeout) stays the limit of a call, as before: the handler's own
                // timeouts sit above it, so they never cut a long /view or /upload/image short.
                var requestTimeout = sp.GetRequiredService<IOptions<ComfyOptions>>().Value.RequestTimeout;
                resilience.AttemptTimeout.Timeout = requestTimeout + TimeSpan.FromSeconds(1);
                resilience.TotalRequestTimeout.Timeout = requestTimeout + TimeSpan.FromSeconds(2);
                resilience.CircuitBreaker.SamplingDuration = resilience.AttemptTimeout.Timeout * 2;
                // No breaker: ComfyUI being down is the supervisor's and /ready's to report; an open circuit would fail
                // calls with BrokenCircuitException that callers do not classify as ComfyUI being unreachable.
                resilience.CircuitBreaker.ShouldHandle = static _ => ValueTask.FromResult(false);
            });
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
