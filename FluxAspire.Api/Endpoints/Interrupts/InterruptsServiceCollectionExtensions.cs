namespace FluxAspire.Api.Endpoints.Interrupts;

public static class InterruptsServiceCollectionExtensions
{
    /// <summary>POST /interrupt: stops the running job (or the one named), here or on the replica that runs it.</summary>
    public static IHostApplicationBuilder AddInterrupts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<JobInterrupter>();
        return builder;
    }
}
