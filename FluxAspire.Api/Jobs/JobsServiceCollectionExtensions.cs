using FluxAspire.Api.Outputs;

namespace FluxAspire.Api.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The job pipeline: in-process store and queue, the worker, and the service endpoints call.</summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IJobStore, InMemoryJobStore>();
        builder.Services.AddSingleton<IJobQueue, InMemoryJobQueue>();
        builder.Services.AddSingleton<ReplicaIdentity>();
        builder.Services.AddSingleton<OutputCollector>();
        builder.Services.AddSingleton<JobWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobWorker>());
        builder.Services.AddSingleton<JobService>();
        return builder;
    }
}
