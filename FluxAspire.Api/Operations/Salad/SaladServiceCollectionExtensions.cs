using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Salad;

public static class SaladServiceCollectionExtensions
{
    /// <summary>
    /// SaladCloud's metadata service: the deletion cost that follows this replica's jobs, and the reallocation the
    /// supervisor asks for when the node cannot run ComfyUI. Nothing is sent unless Salad's environment is present.
    /// </summary>
    public static IHostApplicationBuilder AddSalad(this IHostApplicationBuilder builder)
    {
        var node = new SaladNode(builder.Configuration);
        builder.Services.AddSingleton(node);
        builder.Services.AddOptions<SaladOptions>().BindConfiguration(SaladOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.MetadataUrl.IsAbsoluteUri && o.MetadataUrl.Scheme is "http" or "https", "Salad:MetadataUrl must be an absolute http or https URL.")
            .ValidateOnStart();
        builder.Services.AddSingleton<GpuInventory>();
        builder.Services.AddSingleton<NodeReallocation>();

#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, but it is the way to undo ConfigureHttpClientDefaults for one client
        builder.Services.AddHttpClient<SaladMetadataClient>(SaladMetadataClient.ClientName, (sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<SaladOptions>>().Value;
                http.BaseAddress = options.MetadataUrl;
                http.Timeout = options.RequestTimeout;
            })
            // One short attempt: the deletion cost is sent again on the next tick, and a reallocation is asked once.
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        if (node.Present && builder.Configuration.GetValue($"{SaladOptions.SectionName}:{nameof(SaladOptions.DeletionCost)}", true))
        {
            builder.Services.AddHostedService<DeletionCostReporter>();
        }

        return builder;
    }
}
