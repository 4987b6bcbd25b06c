namespace FluxAspire.Api.Operations.Supervisor;

public static class SupervisorServiceCollectionExtensions
{
    /// <summary>
    /// ComfyUI:Launch:Instances above 1: each child after the first becomes a ComfyUI:Backends entry. Called before
    /// AddComfy, which registers a client per backend.
    /// </summary>
    public static IHostApplicationBuilder AddSupervisedInstances(this IHostApplicationBuilder builder)
    {
        ComfyInstances.AddInstanceBackends(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The ComfyUI child processes of the one-image deployment, started and kept running when ComfyUI:Launch:Command is
    /// set. Its state is registered either way, for /ready (never a reason when nothing is supervised).
    /// </summary>
    public static IHostApplicationBuilder AddSupervisor(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ComfyLaunchOptions>().BindConfiguration(ComfyLaunchOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.RestartMinDelay <= o.RestartMaxDelay, "ComfyUI:Launch:RestartMinDelay must not exceed ComfyUI:Launch:RestartMaxDelay.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ComfyProcesses>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{ComfyLaunchOptions.SectionName}:{nameof(ComfyLaunchOptions.Command)}"]))
        {
            builder.Services.AddSingleton<ChildProcessLauncher>();
            builder.Services.AddHostedService<ComfyProcessSupervisor>();
        }

        return builder;
    }
}
