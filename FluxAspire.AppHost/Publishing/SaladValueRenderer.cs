using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.AppHost.Publishing;

/// <summary>
/// Values for the one-image Salad container: the API and its ComfyUI child share the container, so ComfyUI is on
/// localhost; Redis is an external service named by a placeholder; nothing else exists there.
/// </summary>
internal sealed class SaladValueRenderer(DeploymentModel model) : DeploymentValueRenderer
{
    /// <summary>Where the API's supervised ComfyUI child listens inside the one image.</summary>
    public const string ComfyUIEndpoint = "Endpoint=http://127.0.0.1:8188";

    protected override string PlaceholderText(Placeholder placeholder) => $"${{{placeholder.Name}}}";

    protected override string Host(IResource resource) => IsInTheImage(resource)
        ? "127.0.0.1"
        : throw new NotSupportedException($"{resource.Name} does not run in the one-image Salad deployment");

    protected override int TargetPort(EndpointAnnotation endpoint, IResource resource) =>
        resource is IComfyUIResource ? ComfyUIResource.DefaultPort : model.TargetPort(endpoint, resource);

    protected override string ConnectionString(IResourceWithConnectionString resource) => resource switch
    {
        IComfyUIResource => ComfyUIEndpoint,
        _ when DeploymentModel.IsRedis(resource) => Use(Placeholder.RedisConnectionString),
        _ => Render(resource.ConnectionStringExpression),
    };

    // Redis is outside the image, known only by REDIS_CONNECTION_STRING: its password on its own has no value here.
    protected override string Parameter(ParameterResource parameter) =>
        model.Resources.OfType<IResourceWithConnectionString>().Where(DeploymentModel.IsRedis)
            .Any(redis => ReferenceEquals(ComposeValueRenderer.RedisPassword(redis), parameter))
            ? throw new NotSupportedException($"{parameter.Name} belongs to Redis, which the one image reaches through REDIS_CONNECTION_STRING")
            : base.Parameter(parameter);

    private bool IsInTheImage(IResource resource) => ReferenceEquals(resource, model.Api) || resource is IComfyUIResource;
}
