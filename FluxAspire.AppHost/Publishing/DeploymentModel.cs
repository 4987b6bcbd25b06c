using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.AppHost.Publishing;

/// <summary>The app model as the deployment files see it: the API, the resources that become services, and their settings.</summary>
internal sealed class DeploymentModel(
    DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext, DeploymentOptions options)
{
    public DeploymentOptions Options { get; } = options;

    /// <summary>The project that serves the public API on <see cref="DeploymentOptions.Port"/>.</summary>
    public ProjectResource Api { get; } =
        model.Resources.OfType<ProjectResource>().SingleOrDefault(r => r.Name.Equals(options.ApiResource, StringComparison.OrdinalIgnoreCase))
        ?? throw new InvalidOperationException(
            $"The app model has no project named '{options.ApiResource}' ({DeploymentOptions.SectionName}:ApiResource) to deploy as the API");

    /// <summary>Every resource the deployment runs (projects, containers, Redis), in app-model order.</summary>
    public IReadOnlyList<IResource> Resources { get; } =
        [.. model.Resources.Where(r => !r.IsExcludedFromPublish() && (r is ProjectResource or ContainerResource || IsRedis(r)))];

    /// <summary>Executables other than Redis, which no deployment here can run.</summary>
    public IReadOnlyList<IResource> Unsupported { get; } =
        [.. model.Resources.Where(r => !r.IsExcludedFromPublish() && r is ExecutableResource && !IsRedis(r))];

    /// <summary>
    /// Redis, whatever runs it in <c>dotnet run</c> (issue 5's <c>cache</c>: a redis-server executable or a container):
    /// deployments run their own Redis instead.
    /// </summary>
    public static bool IsRedis(IResource resource) =>
        resource is IResourceWithConnectionString
        && (resource.Name.Equals("cache", StringComparison.OrdinalIgnoreCase) || resource.GetType().Name.Contains("Redis", StringComparison.Ordinal));

    /// <summary>The resource's environment as its callbacks build it for publishing: literals and references, unresolved.</summary>
    public async Task<IReadOnlyList<KeyValuePair<string, object>>> EnvironmentAsync(IResource resource, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(executionContext, resource, environment, cancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return [.. environment];
    }

    public async Task<IReadOnlyList<object>> ArgumentsAsync(IResource resource, CancellationToken cancellationToken)
    {
        var arguments = new List<object>();
        var context = new CommandLineArgsCallbackContext(arguments, resource, cancellationToken) { ExecutionContext = executionContext };
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        return arguments;
    }

    /// <summary>
    /// The port a resource's endpoint listens on inside its container: the declared target port, the API's
    /// <see cref="DeploymentOptions.Port"/>, or 8080 (ASP.NET Core's container default) for other projects.
    /// </summary>
    public int TargetPort(EndpointAnnotation endpoint, IResource resource) =>
        endpoint.TargetPort ?? (ReferenceEquals(resource, Api) ? Options.Port : endpoint.Port ?? 8080);

    /// <summary>Environment every deployed project gets: where to send telemetry, which the app model leaves to the dashboard.</summary>
    public static IEnumerable<(string Name, Func<DeploymentValueRenderer, string> Value)> TelemetryEnvironment(IResource project) =>
    [
        ("OTEL_SERVICE_NAME", _ => project.Name),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", r => r.Use(Placeholder.OtlpEndpoint)),
        ("OTEL_EXPORTER_OTLP_HEADERS", r => r.Use(Placeholder.OtlpHeaders)),
        ("OTEL_EXPORTER_OTLP_LOGS_HEADERS", r => r.Use(Placeholder.OtlpLogsHeaders)),
        ("OTEL_EXPORTER_OTLP_METRICS_HEADERS", r => r.Use(Placeholder.OtlpMetricsHeaders)),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", r => r.Use(Placeholder.OtlpProtocol)),
    ];
}
