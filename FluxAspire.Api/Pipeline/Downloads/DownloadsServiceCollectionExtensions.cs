using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Api.Pipeline.Downloads;

public static class DownloadsServiceCollectionExtensions
{
    /// <summary>POST /download and model URLs in graphs (dynamic model loading), into ComfyUI:ModelsDirectory.</summary>
    public static IHostApplicationBuilder AddDownloads(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DownloadOptions>().BindConfiguration(DownloadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ModelFolderOptions>().BindConfiguration(ComfyOptions.SectionName);
        builder.Services.AddSingleton<ModelDownloader>();
        builder.Services.AddSingleton<ModelTypes>();
        builder.Services.AddSingleton<BackgroundDownloads>();
        builder.Services.AddSingleton<ModelUrlInputs>();
        return builder;
    }
}
