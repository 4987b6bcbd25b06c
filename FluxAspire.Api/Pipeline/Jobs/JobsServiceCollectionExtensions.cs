using FluxAspire.Api.Pipeline.Outputs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Jobs;

public static class JobsServiceCollectionExtensions
{
    /// <summary>The job pipeline: the store and queue (in process, or shared through Redis), the worker, and the service endpoints call.</summary>
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.AddJobStorage();
        builder.Services.AddSingleton<ReplicaIdentity>();
        builder.Services.AddSingleton<HeldCredentials>();
        builder.Services.AddSingleton<OutputCollector>();
        builder.Services.AddSingleton<ComfyLanes>();
        builder.Services.AddSingleton<JobWorker>();
        builder.Services.AddSingleton<JobEnding>();
        // Long enough for the worker's drain: finish running jobs, then hand the rest back.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<JobsOptions>>((host, jobs) =>
            host.ShutdownTimeout = jobs.Value.DrainTimeout + TimeSpan.FromSeconds(15));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobWorker>());
        builder.Services.AddSingleton<JobService>();
        return builder;
    }
}
