namespace FluxAspire.Api.Pipeline.Inputs;

public static class InputsServiceCollectionExtensions
{
    /// <summary>Image inputs (base64 / URL → ComfyUI /upload/image).</summary>
    public static IHostApplicationBuilder AddInputs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImageInputOptions>().BindConfiguration(ImageInputOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddExceptionHandler<ImageInputExceptionHandler>();
        builder.Services.AddSingleton<ImageInputCatalog>();
        builder.Services.AddSingleton<ImageUrlFetcher>();
        builder.Services.AddSingleton<ImageInputs>();
        builder.Services.AddSingleton<ImageInputUploader>();
        return builder;
    }
}
