namespace FluxAspire.ComfySim.Execution;

public static class ExecutionFeature
{
    public static IServiceCollection AddExecution(this IServiceCollection services)
    {
        // TODO(H2): queue, worker, history, WebSocket hub, faults
        return services;
    }

    public static IEndpointRouteBuilder MapExecutionRoutes(this IEndpointRouteBuilder routes)
    {
        // TODO(H2): POST/GET prompt, GET/POST queue, POST interrupt, POST free, GET/POST history, GET history/{id}, ws
        return routes;
    }

    /// <summary>Simulator-only routes (not under /api): POST /sim/faults and friends.</summary>
    public static IEndpointRouteBuilder MapFaultRoutes(this IEndpointRouteBuilder routes)
    {
        // TODO(H2)
        return routes;
    }
}
