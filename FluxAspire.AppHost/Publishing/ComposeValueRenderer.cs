using Aspire.Hosting.ApplicationModel;

namespace FluxAspire.AppHost.Publishing;

/// <summary>Values for docker-compose.yml: every resource is a service reached by its name on the Compose network.</summary>
internal sealed class ComposeValueRenderer(DeploymentModel model) : DeploymentValueRenderer
{
    public const int RedisPort = 6379;

    protected override string PlaceholderText(Placeholder placeholder) => placeholder switch
    {
        { Required: true } => $"${{{placeholder.Name}:?set {placeholder.Name} in .env}}",
        _ => $"${{{placeholder.Name}:-{placeholder.Default}}}",
    };

    // Compose reads "$x" in any value as a variable; "$$" is a literal dollar.
    protected override string Literal(string text) => text.Replace("$", "$$", StringComparison.Ordinal);

    protected override string Host(IResource resource) => resource.Name;

    // The Compose Redis is redis:7 on its standard port, whatever port the app model's Redis used.
    protected override int TargetPort(EndpointAnnotation endpoint, IResource resource) =>
        DeploymentModel.IsRedis(resource) ? RedisPort : model.TargetPort(endpoint, resource);

    protected override string ConnectionString(IResourceWithConnectionString resource) =>
        DeploymentModel.IsRedis(resource) ? RedisConnectionString(resource) : Render(resource.ConnectionStringExpression);

    /// <summary>The Compose Redis on its standard port, with the app model's password parameter if it has one.</summary>
    public string RedisConnectionString(IResourceWithConnectionString redis) =>
        RedisPassword(redis) is { } password ? $"{redis.Name}:{RedisPort},password={Render(password)}" : $"{redis.Name}:{RedisPort}";

    public static ParameterResource? RedisPassword(IResourceWithConnectionString redis) =>
        redis.ConnectionStringExpression.ValueProviders.OfType<ParameterResource>().FirstOrDefault();
}
