namespace FluxAspire.Api.Endpoints.Jobs;

public static class JobsApiServiceCollectionExtensions
{
    /// <summary>POST /jobs and friends: the submitter and the "Jobs" settings of the API (keep-alive, cancel wait).</summary>
    public static IHostApplicationBuilder AddJobsApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobsApiOptions>().BindConfiguration(JobsApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<JobSubmitter>();
        return builder;
    }
}
