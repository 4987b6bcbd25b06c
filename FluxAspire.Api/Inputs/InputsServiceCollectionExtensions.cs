using FluxAspire.Api.Cleanup;
using FluxAspire.Api.Interrupts;

namespace FluxAspire.Api.Inputs;

public static class InputsServiceCollectionExtensions
{
    /// <summary>Image inputs (base64 / URL → ComfyUI /upload/image), POST /interrupt, and cleanup of job files.</summary>
    public static IHostApplicationBuilder AddJobInputs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImageInputOptions>().BindConfiguration(ImageInputOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ComfyFolderOptions>().BindConfiguration(Comfy.ComfyOptions.SectionName);
        builder.Services.AddExceptionHandler<ImageInputExceptionHandler>();
        builder.Services.AddSingleton<ImageInputCatalog>();
        builder.Services.AddSingleton<ImageUrlFetcher>();
        builder.Services.AddSingleton<ImageInputs>();
        builder.Services.AddSingleton<ImageInputUploader>();
        builder.Services.AddSingleton<JobFileCleanup>();
        builder.Services.AddHostedService<CleanupStartupLog>();
        builder.Services.AddSingleton<JobInterrupter>();
        return builder;
    }
}
