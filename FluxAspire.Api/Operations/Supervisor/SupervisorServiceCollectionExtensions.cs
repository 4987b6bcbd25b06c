namespace FluxAspire.Api.Operations.Supervisor;

public static class SupervisorServiceCollectionExtensions
{
    /// <summary>
    /// The ComfyUI child process of the one-image deployment, started and kept running when ComfyUI:Launch:Command is
    /// set. Its state is registered either way, for /ready (never a reason when nothing is supervised).
    /// </summary>
    public static IHostApplicationBuilder AddSupervisor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ComfyLaunchOptions>().BindConfiguration(ComfyLaunchOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.RestartMinDelay <= o.RestartMaxDelay, "ComfyUI:Launch:RestartMinDelay must not exceed ComfyUI:Launch:RestartMaxDelay.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ComfyProcessState>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{ComfyLaunchOptions.SectionName}:{nameof(ComfyLaunchOptions.Command)}"]))
        {
            builder.Services.AddSingleton<ChildProcessLauncher>();
            builder.Services.AddHostedService<ComfyProcessSupervisor>();
        }

        return builder;
    }
}
