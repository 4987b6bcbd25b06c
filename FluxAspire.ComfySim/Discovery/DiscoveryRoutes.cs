namespace FluxAspire.ComfySim.Discovery;

public static class DiscoveryRoutes
{
    public static IEndpointRouteBuilder MapDiscoveryRoutes(this IEndpointRouteBuilder routes)
    {
        // TODO(H3): GET system_stats, features, models, models/{folder}, embeddings, extensions, view_metadata
        return routes;
    }
}
