using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Adds ComfyUI to an Aspire app model in the mode <c>ComfyUI:Mode</c> picks, and wires services to it.</summary>
public static class ComfyUIBuilderExtensions
{
    /// <summary>The path the health checks call: cheap, and answered only once ComfyUI's server is up.</summary>
    public const string HealthCheckPath = "/system_stats";

    /// <summary>
    /// Adds ComfyUI in the mode chosen by <c>ComfyUI:Mode</c> (see <see cref="ComfyUIHostOptions"/>):
    /// <list type="bullet">
    /// <item><c>auto</c> (default): the GPU container when a container runtime answers and an NVIDIA GPU is visible,
    /// otherwise the simulator; publishing always describes the container.</item>
    /// <item><c>simulator</c>: the FluxAspire.ComfySim project.</item>
    /// <item><c>container</c>: <c>comfyui/Dockerfile</c> with GPUs, the FLUX model folder and its download step.</item>
    /// <item><c>external</c>: the ComfyUI at <c>ComfyUI:Url</c>.</item>
    /// <item><c>executable</c>: <c>python main.py</c> in the checkout at <c>ComfyUI:Path</c>, with the download step.</item>
    /// </list>
    /// The chosen mode and why are logged when the app starts and shown as the resource's <c>comfyui.mode</c> and
    /// <c>comfyui.mode.reason</c> properties. Reference it with <c>WithReference</c>: the service gets
    /// <c>ConnectionStrings__{name}=Endpoint=http://host:port</c>.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource and connection string name.</param>
    /// <param name="simulator">The FluxAspire.ComfySim project (<c>new Projects.FluxAspire_ComfySim()</c>), run in simulator mode.</param>
    /// <param name="probe">The checks behind <c>auto</c>; the real ones (<c>nvidia-smi</c>, <c>docker info</c>) when null.</param>
    public static IResourceBuilder<IComfyUIResource> AddComfyUI(
        this IDistributedApplicationBuilder builder, string name, IProjectMetadata simulator, IComfyUIEnvironmentProbe? probe = null) =>
        builder.AddComfyUIFleet(name, simulator, probe, single: true)[0];

    /// <summary>
    /// As <see cref="AddComfyUI"/>, with one ComfyUI per GPU: <c>ComfyUI:Gpus</c> (a count, or <c>all</c>: every GPU
    /// <c>nvidia-smi -L</c> lists) in container mode (<c>--gpus device=i</c> / the CDI device <c>nvidia.com/gpu=i</c>) and
    /// executable mode (<c>CUDA_VISIBLE_DEVICES=i</c>, its own port, input, output and temp folders), all sharing one model
    /// folder and its download step; <c>ComfyUI:Simulators</c> simulators in simulator mode. They are named
    /// <c>{name}</c>, <c>{name}-1</c>, <c>{name}-2</c>, …; give them to a service with <see cref="WithComfyUI{T}"/>.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The first resource's name; the others add <c>-1</c>, <c>-2</c>, ….</param>
    /// <param name="simulator">The FluxAspire.ComfySim project, run in simulator mode.</param>
    /// <param name="probe">The checks behind <c>auto</c> and <c>Gpus=all</c>; the real ones when null.</param>
    public static IReadOnlyList<IResourceBuilder<IComfyUIResource>> AddComfyUIFleet(
        this IDistributedApplicationBuilder builder, string name, IProjectMetadata simulator, IComfyUIEnvironmentProbe? probe = null) =>
        builder.AddComfyUIFleet(name, simulator, probe, single: false);

    private static IReadOnlyList<IResourceBuilder<IComfyUIResource>> AddComfyUIFleet(
        this IDistributedApplicationBuilder builder, string name, IProjectMetadata simulator, IComfyUIEnvironmentProbe? probe, bool single)
    {
        var options = ComfyUIHostOptions.From(builder.Configuration);
        probe ??= new ComfyUIEnvironmentProbe();
        var mode = ComfyUIModeResolver.ResolveAsync(options.Mode, builder.ExecutionContext.IsPublishMode,
                ContainerRuntimeName.Configured(builder.Configuration), probe, CancellationToken.None)
            .GetAwaiter().GetResult();   // the app model is built synchronously; the checks are bounded by short timeouts
        var count = single ? 1 : mode.Mode switch
        {
            ComfyUIMode.Simulator => options.Simulators,
            ComfyUIMode.Container or ComfyUIMode.Executable => GpuCount(builder, options, probe),
            _ => 1,
        };
        var fleet = new List<IResourceBuilder<IComfyUIResource>>();
        for (var i = 0; i < count; i++)
        {
            var instance = i == 0 ? name : $"{name}-{i}";
            int? gpu = count > 1 ? i : null;
            var models = i == 0 ? null : builder.Resources.FirstOrDefault(r => r.Name == $"{name}-models");
            IResourceBuilder<IComfyUIResource> comfyui = mode.Mode switch
            {
                ComfyUIMode.External => builder.AddExternalComfyUI(instance, options.Url!).WithComfyUICommands(),
                ComfyUIMode.Container => builder.AddComfyUIContainer(instance, options, probe, gpu, models),
                ComfyUIMode.Executable => builder.AddComfyUIExecutable(instance, options, gpu, models),
                _ => builder.AddComfyUISimulator(instance, simulator, options.SimulatorStepMs, options.SimulatorImageKind).WithComfyUICommands(),
            };
            fleet.Add(comfyui.WithComfyUIMode(mode));
        }

        return fleet;
    }

    // "all" asks nvidia-smi on this machine; when publishing, "all" stays one ComfyUI that gets every GPU of the host.
    private static int GpuCount(IDistributedApplicationBuilder builder, ComfyUIHostOptions options, IComfyUIEnvironmentProbe probe)
    {
        if (options.Gpus is { } count)
        {
            return count;
        }

        if (builder.ExecutionContext.IsPublishMode)
        {
            return 1;
        }

        var gpus = probe.FindNvidiaGpuAsync(CancellationToken.None).GetAwaiter().GetResult();
        return gpus.Found ? Math.Max(1, gpus.Count) : 1;
    }

    private static IResourceBuilder<ComfyUIResource> AddComfyUIContainer(
        this IDistributedApplicationBuilder builder, string name, ComfyUIHostOptions options, IComfyUIEnvironmentProbe probe, int? gpu,
        IResource? sharedModels)
    {
        var comfyui = builder.AddComfyUIContainer(name)
            .WithArgs([.. options.Args])
            .WithGpuSupport(probe: probe, deviceIndex: gpu)
            .WithComfyUICommands();
        if (sharedModels is not null)
        {
            // The first ComfyUI's download step fills the one model folder every GPU's ComfyUI reads.
            var mounted = builder.ExecutionContext.IsPublishMode ? comfyui.WithModelVolume() : comfyui.WithModelBindMount(options.ModelsPath);
            return mounted.WaitForCompletion(builder.CreateResourceBuilder(sharedModels));
        }

        var token = HuggingFaceToken(builder);
        if (options.DownloadModels)
        {
            return comfyui.WithFluxModel(options.ModelsPath, options.Models, token);
        }

        if (builder.ExecutionContext.IsPublishMode)
        {
            return comfyui.WithModelVolume();
        }

        // Docker would create a missing bind-mount source owned by root; the download step creates it otherwise.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(comfyui.Resource, (_, _) =>
        {
            Directory.CreateDirectory(options.ModelsPath);
            return Task.CompletedTask;
        });
        return comfyui.WithModelBindMount(options.ModelsPath);
    }

    private static IResourceBuilder<ComfyUIExecutableResource> AddComfyUIExecutable(
        this IDistributedApplicationBuilder builder, string name, ComfyUIHostOptions options, int? gpu, IResource? sharedModels)
    {
        var comfyui = builder.AddComfyUIExecutable(name, options.Path!, options.Python, options.Args, gpu).WithComfyUICommands();
        if (sharedModels is not null)
        {
            return comfyui.WaitForCompletion(builder.CreateResourceBuilder(sharedModels));
        }

        return options.DownloadModels && !builder.ExecutionContext.IsPublishMode
            ? comfyui.WithFluxModel(options.Models, HuggingFaceToken(builder))
            : comfyui;
    }

    // Only when configured: a parameter without a value would hold the download until someone typed one in the dashboard
    // (and a deployment would have to supply a token that public files do not need).
    private static IResourceBuilder<ParameterResource>? HuggingFaceToken(IDistributedApplicationBuilder builder) =>
        builder.Configuration[$"Parameters:{ComfyUIModelExtensions.TokenParameterName}"] is { Length: > 0 }
            ? builder.AddParameter(ComfyUIModelExtensions.TokenParameterName, secret: true)
            : null;

    /// <summary>
    /// Runs the FluxAspire.ComfySim project as ComfyUI, on 127.0.0.1 (all interfaces when published) and a port Aspire
    /// allocates. Healthy once it answers <c>/system_stats</c>.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource and connection string name.</param>
    /// <param name="simulator">The FluxAspire.ComfySim project metadata.</param>
    /// <param name="stepMs">Simulated milliseconds per sampler step (ComfySim's <c>--step-ms</c>).</param>
    /// <param name="imageKind">What SaveImage writes (ComfySim's <c>--image-kind</c>): <c>picture</c> or <c>noise</c>.</param>
    public static IResourceBuilder<ComfyUISimulatorResource> AddComfyUISimulator(
        this IDistributedApplicationBuilder builder, string name, IProjectMetadata simulator, int stepMs = 0, string imageKind = "picture")
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepMs);
        if (imageKind is not ("picture" or "noise"))
        {
            throw new ArgumentException($"'{imageKind}' is not one of: picture, noise", nameof(imageKind));
        }

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
                // As the GPU definitions: per-step previews, which the API passes on to jobs that ask (the playground).
                context.Args.Add("--preview-method");
                context.Args.Add("latent2rgb");
                if (imageKind != "picture")
                {
                    context.Args.Add("--image-kind");
                    context.Args.Add(imageKind);
                }

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
    /// Gives a service the ComfyUI folders it shares with ComfyUI in <c>dotnet run</c>: the API then deletes each job's
    /// uploaded inputs and outputs when the job ends (<c>ComfyUI__InputDirectory</c>, <c>ComfyUI__OutputDirectory</c>) and
    /// can download models (<c>ComfyUI__ModelsDirectory</c>). The simulator and a local checkout share all three; the
    /// container shares only its models folder (a host folder). No-op when publishing or for an external ComfyUI.
    /// </summary>
    /// <param name="builder">The service that uses ComfyUI.</param>
    /// <param name="comfyui">The ComfyUI resource.</param>
    public static IResourceBuilder<T> WithComfyUIFolders<T>(this IResourceBuilder<T> builder, IResourceBuilder<IComfyUIResource> comfyui)
        where T : IResourceWithEnvironment
    {
        var (input, output, models) = Folders(comfyui.Resource);
        if (input is null && output is null && models is null)
        {
            return builder;
        }

        return builder.WithEnvironment(context =>
        {
            if (context.ExecutionContext.IsPublishMode)
            {
                return;
            }

            foreach (var (key, value) in new[] { ("InputDirectory", input), ("OutputDirectory", output), ("ModelsDirectory", models) })
            {
                if (value is not null)
                {
                    context.EnvironmentVariables[$"ComfyUI__{key}"] = value;
                }
            }
        });
    }

    /// <summary>
    /// Wires a service to every ComfyUI of <paramref name="fleet"/>: the first as always (<c>ConnectionStrings__{name}</c>,
    /// waited for, its folders), each other as <c>ComfyUI__Backends__{n}</c> with its own input and output folders
    /// (<c>ComfyUI__Backends__{n}__InputDirectory</c>, <c>…__OutputDirectory</c>) in <c>dotnet run</c>.
    /// </summary>
    /// <param name="builder">The service (the API).</param>
    /// <param name="fleet">What <see cref="AddComfyUIFleet"/> returned.</param>
    public static IResourceBuilder<T> WithComfyUI<T>(this IResourceBuilder<T> builder, IReadOnlyList<IResourceBuilder<IComfyUIResource>> fleet)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        builder.WithReference(fleet[0]).WaitFor(fleet[0]).WithComfyUIFolders(fleet[0]);
        for (var i = 1; i < fleet.Count; i++)
        {
            var key = $"ComfyUI__Backends__{i - 1}";
            var backend = fleet[i].Resource;
            var (input, output, _) = Folders(backend);
            builder.WithEnvironment(context =>
            {
                context.EnvironmentVariables[key] = backend.ConnectionStringExpression;
                if (context.ExecutionContext.IsPublishMode)
                {
                    return;
                }

                if (input is not null) context.EnvironmentVariables[$"{key}__InputDirectory"] = input;
                if (output is not null) context.EnvironmentVariables[$"{key}__OutputDirectory"] = output;
            });
        }

        return builder;
    }

    private static (string? Input, string? Output, string? Models) Folders(IComfyUIResource comfyui) =>
        comfyui switch
        {
            ComfyUISimulatorResource simulator => (
                Path.Combine(simulator.DataDirectory, "input"),
                Path.Combine(simulator.DataDirectory, "output"),
                Path.Combine(simulator.DataDirectory, "models")),
            ComfyUIExecutableResource executable => (executable.InputDirectory, executable.OutputDirectory, executable.ModelsDirectory),
            ComfyUIResource container => (null, null, container.Annotations.OfType<ContainerMountAnnotation>()
                .LastOrDefault(m => m.Type == ContainerMountType.BindMount && m.Target == ComfyUIResource.ModelsPath)?.Source),
            _ => ((string?)null, (string?)null, (string?)null),
        };

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
