using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>The path every job request takes: parsed once into a <see cref="Submission"/>, run or queued by the
    /// <see cref="JobRunner"/>, delivered at its end by <see cref="JobEndDelivery"/>.</summary>
    public static IHostApplicationBuilder AddPipeline(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<SubmissionParser>();
        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddSingleton<JobEndDelivery>();
        builder.Services.AddSingleton<IJobEndObserver>(sp => sp.GetRequiredService<JobEndDelivery>());
        return builder;
    }
}
