using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>A local ComfyUI checkout started by the AppHost.</summary>
public static class ComfyUIExecutableExtensions
{
    /// <summary>
    /// Runs <c>{python} main.py --listen 127.0.0.1 --port {allocated} --disable-auto-launch {args}</c> in
    /// <paramref name="comfyUIDirectory"/>. Healthy once it answers <c>/system_stats</c>.
    /// </summary>
    /// <param name="builder">The app model builder.</param>
    /// <param name="name">The resource and connection string name.</param>
    /// <param name="comfyUIDirectory">The checkout (the folder with <c>main.py</c>).</param>
    /// <param name="python">The Python to run it with, e.g. the checkout's venv <c>bin/python</c>.</param>
    /// <param name="args">More ComfyUI flags.</param>
    public static IResourceBuilder<ComfyUIExecutableResource> AddComfyUIExecutable(
        this IDistributedApplicationBuilder builder, string name, string comfyUIDirectory, string python = "python3",
        IEnumerable<string>? args = null)
    {
        var resource = new ComfyUIExecutableResource(name, python, comfyUIDirectory);
        var extraArgs = args?.ToList() ?? [];
        return builder.AddResource(resource)
            .WithHttpEndpoint(name: ComfyUIExecutableResource.PrimaryEndpointName)
            .WithArgs(context =>
            {
                context.Args.Add("main.py");
                context.Args.Add("--listen");
                context.Args.Add(context.ExecutionContext.IsPublishMode ? "0.0.0.0" : "127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--disable-auto-launch");
                foreach (var arg in extraArgs)
                {
                    context.Args.Add(arg);
                }
            })
            // Python buffers stdout when it is not a terminal; unbuffered, ComfyUI's log reaches the dashboard as it happens.
            .WithEnvironment("PYTHONUNBUFFERED", "1")
            .WithHttpHealthCheck(ComfyUIBuilderExtensions.HealthCheckPath, endpointName: ComfyUIExecutableResource.PrimaryEndpointName);
    }
}
