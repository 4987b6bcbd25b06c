namespace FluxAspire.Api.Prompts;

public static class PromptsServiceCollectionExtensions
{
    /// <summary>What the synchronous endpoints (/prompt, /workflow/*) share.</summary>
    public static IHostApplicationBuilder AddSyncEndpoints(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SyncJobRunner>();
        return builder;
    }
}
