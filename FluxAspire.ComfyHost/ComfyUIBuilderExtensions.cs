using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Adds ComfyUI to an Aspire app model: the simulator where there is no GPU, or an existing ComfyUI by URL.</summary>
public static class ComfyUIBuilderExtensions
{
    /// <summary>The path the health checks call: cheap, and answered only once ComfyUI's server is up.</summary>
    public const string HealthCheckPath = "/system_stats";

    /// <summary>
    /// Adds ComfyUI in the mode chosen by the <c>ComfyUI</c> configuration section (<c>ComfyUI:Mode</c>): the simulator
    /// by default, or <c>external</c> with <c>ComfyUI:Url</c>. Reference it with <c>WithReference</c>: the service gets
    /// <c>ConnectionStrings__{name}=Endpoint=http://host:port</c>.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource and connection string name.</param>
    /// <param name="simulator">The FluxAspire.ComfySim project (<c>new Projects.FluxAspire_ComfySim()</c>), run in simulator mode.</param>
    public static IResourceBuilder<IComfyUIResource> AddComfyUI(
        this IDistributedApplicationBuilder builder, string name, IProjectMetadata simulator)
    {
        var options = ComfyUIHostOptions.From(builder.Configuration);
        return options.Mode switch
        {
            ComfyUIMode.External => builder.AddExternalComfyUI(name, options.Url!),
            _ => builder.AddComfyUISimulator(name, simulator, options.SimulatorStepMs),
        };
    }

    /// <summary>
    /// Runs the FluxAspire.ComfySim project as ComfyUI, on 127.0.0.1 (all interfaces when published) and a port Aspire
    /// allocates. Healthy once it answers <c>/system_stats</c>.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource and connection string name.</param>
    /// <param name="simulator">The FluxAspire.ComfySim project metadata.</param>
    /// <param name="stepMs">Simulated milliseconds per sampler step (ComfySim's <c>--step-ms</c>).</param>
    public static IResourceBuilder<ComfyUISimulatorResource> AddComfyUISimulator(
        this IDistributedApplicationBuilder builder, string name, IProjectMetadata simulator, int stepMs = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepMs);
        // One folder per AppHost run: the API gets the same paths, so it can clean up each job's files and download models.
        var resource = new ComfyUISimulatorResource(name,
            Path.Combine(Path.GetTempPath(), "fluxaspire", $"{name}-{Environment.ProcessId}"));
        var simulatorBuilder = builder.AddResource(resource).WithAnnotation(simulator);
        // The supported way (13.6) to give a resource type of our own the project launch wiring that AddProject applies.
#pragma warning disable ASPIREPROJECTS001
        simulatorBuilder.WithProjectDefaults(new ProjectResourceOptions { ExcludeLaunchProfile = true, ExcludeKestrelEndpoints = true });
#pragma warning restore ASPIREPROJECTS001
        return simulatorBuilder
            .WithHttpEndpoint(name: ComfyUISimulatorResource.PrimaryEndpointName)
            // ComfySim, like ComfyUI, takes its address from flags; the port is the one Aspire allocated behind its proxy.
            .WithArgs(context =>
            {
                context.Args.Add("--listen");
                context.Args.Add(context.ExecutionContext.IsPublishMode ? "0.0.0.0" : "127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--step-ms");
                context.Args.Add(stepMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (!context.ExecutionContext.IsPublishMode)
                {
                    context.Args.Add("--base-directory");
                    context.Args.Add(resource.DataDirectory);
                }
            })
            .WithHttpHealthCheck(HealthCheckPath, endpointName: ComfyUISimulatorResource.PrimaryEndpointName)
            .WithManifestPublishingCallback(context => WriteSimulatorManifestAsync(context, resource, simulator));
    }

    // The default project entry leaves out the connection string that dependents' {comfyui.connectionString} refers to.
    private static async Task WriteSimulatorManifestAsync(
        ManifestPublishingContext context, ComfyUISimulatorResource resource, IProjectMetadata simulator)
    {
        context.Writer.WriteString("type", "project.v0");
        context.Writer.WriteString("path", context.GetManifestRelativePath(simulator.ProjectPath));
        context.WriteConnectionString(resource);
        await context.WriteCommandLineArgumentsAsync(resource);
        await context.WriteEnvironmentVariablesAsync(resource);
        context.WriteBindings(resource);
    }

    /// <summary>
    /// Gives a service ComfyUI's folders when it shares ComfyUI's disk (the simulator in run mode): the API then deletes
    /// each job's uploaded inputs and outputs when the job ends (<c>ComfyUI__InputDirectory</c>,
    /// <c>ComfyUI__OutputDirectory</c>) and can download models (<c>ComfyUI__ModelsDirectory</c>). No-op otherwise.
    /// </summary>
    /// <param name="builder">The service that uses ComfyUI.</param>
    /// <param name="comfyui">The ComfyUI resource.</param>
    public static IResourceBuilder<T> WithComfyUIFolders<T>(this IResourceBuilder<T> builder, IResourceBuilder<IComfyUIResource> comfyui)
        where T : IResourceWithEnvironment =>
        comfyui.Resource is ComfyUISimulatorResource simulator
            ? builder.WithEnvironment(context =>
            {
                if (context.ExecutionContext.IsPublishMode)
                {
                    return;
                }

                context.EnvironmentVariables["ComfyUI__InputDirectory"] = Path.Combine(simulator.DataDirectory, "input");
                context.EnvironmentVariables["ComfyUI__OutputDirectory"] = Path.Combine(simulator.DataDirectory, "output");
                context.EnvironmentVariables["ComfyUI__ModelsDirectory"] = Path.Combine(simulator.DataDirectory, "models");
            })
            : builder;

    /// <summary>Uses a ComfyUI that is already running at <paramref name="url"/>; healthy while it answers <c>/system_stats</c>.</summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource and connection string name.</param>
    /// <param name="url">The base URL of ComfyUI.</param>
    public static IResourceBuilder<ComfyUIExternalResource> AddExternalComfyUI(
        this IDistributedApplicationBuilder builder, string name, Uri url)
    {
        var resource = new ComfyUIExternalResource(name, url);
        var healthCheckKey = $"{name}_system_stats";
        var systemStats = new Uri(resource.Url, HealthCheckPath.TrimStart('/'));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new ComfyUIHealthCheck(systemStats), failureStatus: null, tags: null));

        // Nothing starts an external resource, so it reports itself running; WaitFor then waits for its health check.
        builder.Eventing.Subscribe<InitializeResourceEvent>(resource, (e, _) =>
            e.Notifications.PublishUpdateAsync(resource, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            }));

        return builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "ComfyUI",
                State = KnownResourceStates.Starting,
                Properties = [new("comfyui.mode", "external"), new("comfyui.url", resource.Url.AbsoluteUri)],
            })
            .WithUrl(resource.Url.AbsoluteUri, "ComfyUI")
            .WithHealthCheck(healthCheckKey)
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(resource);
            });
    }
}
