using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace FluxAspire.Api.Pipeline.Comfy;

public static class ComfyServiceCollectionExtensions
{
    /// <summary>The ComfyUI client: options, a named HttpClient with the standard resilience handler (one quick retry, for
    /// GETs only), the WebSocket, the catalog; and the same per ComfyUI:Backends entry (<see cref="ComfyBackends"/>).</summary>
    public static IHostApplicationBuilder AddComfy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ComfyOptions>().BindConfiguration(ComfyOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ComfyOptionsSetup>();
        builder.Services.AddSingleton<IPostConfigureOptions<ComfyOptions>>(sp => sp.GetRequiredService<ComfyOptionsSetup>());
        builder.Services.AddSingleton<IValidateOptions<ComfyOptions>>(sp => sp.GetRequiredService<ComfyOptionsSetup>());
        builder.Services.TryAddSingleton(TimeProvider.System);

        AddComfyHttpClient(builder.Services, ComfyClient.HttpClientName, options => options.BaseUri);
        // More ComfyUIs (one per GPU): read once here, since each needs a named client of its own. A bad entry registers
        // nothing; the options' validation stops start-up with its message (ComfyOptionsSetup).
        foreach (var backend in ComfyBackendAddress.TryReadExtra(builder.Configuration) ?? [])
        {
            AddComfyHttpClient(builder.Services, backend.HttpClientName, _ => backend.BaseUri);
        }

        builder.Services.AddSingleton<ComfyClient>();
        builder.Services.AddSingleton<ComfyPromptEvents>();
        builder.Services.AddSingleton<ComfyWebSocket>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ComfyWebSocket>());
        builder.Services.AddSingleton<ComfyCatalog>();
        builder.Services.AddSingleton<ComfyPromptSubmitter>();
        builder.Services.AddSingleton<ComfyPromptRunner>();
        builder.Services.AddSingleton<ComfyBackends>();
        builder.Services.AddHostedService<ComfyBackendSockets>();
        return builder;
    }

    private static void AddComfyHttpClient(IServiceCollection services, string name, Func<ComfyOptions, Uri?> baseUri)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, but it is the way to re-configure the handler ConfigureHttpClientDefaults added
        services.AddHttpClient(name, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<ComfyOptions>>().Value;
                http.BaseAddress = baseUri(options);
                http.Timeout = options.RequestTimeout;
            })
            .RemoveAllResilienceHandlers()
            // A job makes several calls (POST /prompt, /history, /view, the cleanup's /history): the factory's logging
            // handlers cost a log scope each; the HttpClient's own traces and metrics already record every call.
            .RemoveAllLoggers()
            .AddStandardResilienceHandler()
            .Configure((resilience, sp) => ConfigureResilience(resilience, sp.GetRequiredService<IOptions<ComfyOptions>>().Value));
#pragma warning restore EXTEXP0001
    }

    internal static void ConfigureResilience(HttpStandardResilienceOptions resilience, ComfyOptions options)
    {
        // A repeated POST /prompt would make ComfyUI run the prompt twice: only safe methods (GET) are retried here.
        // ComfyPromptSubmitter retries submissions itself, after asking /queue and /history.
        resilience.Retry.DisableForUnsafeHttpMethods();
        // One quick retry, for a connection ComfyUI dropped (a stale pooled one). Whether ComfyUI is down is for the callers
        // to judge, and quickly: the outage 503, /ready and ComfyUI:UnreachableGracePeriod must not wait on retries.
        resilience.Retry.MaxRetryAttempts = 1;
        resilience.Retry.BackoffType = DelayBackoffType.Constant;
        resilience.Retry.Delay = SafeRetryDelay;
        resilience.Retry.ShouldRetryAfterHeader = false;
        // ComfyUI:RequestTimeout (HttpClient.Timeout, around the handler) stays the limit of a call, its retry included: the
        // handler's own timeouts sit above it, so they never cut a long /view or /upload/image short.
        resilience.AttemptTimeout.Timeout = options.RequestTimeout + TimeSpan.FromSeconds(1);
        resilience.TotalRequestTimeout.Timeout = options.RequestTimeout + TimeSpan.FromSeconds(2);
        resilience.CircuitBreaker.SamplingDuration = resilience.AttemptTimeout.Timeout * 2;
        // No breaker: ComfyUI being down is for the supervisor, /ready and the grace period to report; an open circuit would
        // keep failing a job's polls after ComfyUI is back.
        resilience.CircuitBreaker.ShouldHandle = static _ => ValueTask.FromResult(false);
    }

    /// <summary>The wait before the one retry of a GET (jittered).</summary>
    internal static readonly TimeSpan SafeRetryDelay = TimeSpan.FromMilliseconds(100);
}
