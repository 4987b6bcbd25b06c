using FluxAspire.ComfySim.Faults;
using FluxAspire.ComfySim.History;
using FluxAspire.ComfySim.Nodes;
using FluxAspire.ComfySim.Queue;
using FluxAspire.ComfySim.WebSockets;

namespace FluxAspire.ComfySim.Execution;

public static class ExecutionFeature
{
    public static IServiceCollection AddExecution(this IServiceCollection services)
    {
        services.AddSingleton<WebSocketHub>();
        services.AddSingleton<PromptHistory>();
        services.AddSingleton<PromptQueue>();
        services.AddSingleton<PromptCounter>();
        services.AddSingleton<InterruptSignal>();
        services.AddSingleton<ExecutionState>();
        services.AddSingleton<ModelMemory>();
        services.AddSingleton<OutputCache>();
        services.AddSingleton<FaultState>();
        services.AddSingleton<NodeServices>();
        services.AddSingleton<PromptExecutor>();
        services.AddHostedService<PromptWorker>();
        return services;
    }

    public static IEndpointRouteBuilder MapExecutionRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapPromptRoutes();
        routes.MapQueueRoutes();
        routes.MapHistoryRoutes();
        routes.MapWebSocketRoutes();
        return routes;
    }

    /// <summary>Simulator-only routes (not under /api): POST /sim/faults and friends.</summary>
    public static IEndpointRouteBuilder MapFaultRoutes(this IEndpointRouteBuilder routes) => routes.MapFaultEndpoints();
}
