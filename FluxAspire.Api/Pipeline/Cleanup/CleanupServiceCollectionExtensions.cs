using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Api.Pipeline.Cleanup;

public static class CleanupServiceCollectionExtensions
{
    /// <summary>Removal of each job's input and output files from ComfyUI's folders once the job has ended.</summary>
    public static IHostApplicationBuilder AddCleanup(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ComfyFolderOptions>().BindConfiguration(ComfyOptions.SectionName);
        builder.Services.AddSingleton<JobFileCleanup>();
        builder.Services.AddHostedService<CleanupStartupLog>();
        return builder;
    }
}
