namespace FluxAspire.Api.Delivery.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Cloud storage like the recipe's: uploads to S3, Azure Blob Storage and the Hugging Face Hub (each enabled by
    /// its standard environment, <see cref="StorageProviders"/>), and s3:// and Azure blob URLs read as image and model
    /// inputs (<see cref="StorageReads"/>).</summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => StorageProviders.FromConfiguration(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<S3Storage>();
        builder.Services.AddSingleton<AzureBlobStorage>();
        builder.Services.AddSingleton<HubStorage>();
        builder.Services.AddSingleton<OutputUploads>();
        builder.Services.AddSingleton<StorageReads>();
        // The Hub is the operator's (HF_ENDPOINT), not a URL a request names, so not the SSRF-guarded client; no
        // resilience handler either: HubStorage retries through the storage pipeline.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental, but it is the way to undo ConfigureHttpClientDefaults for one client
        builder.Services.AddHttpClient(HubStorage.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }
}
