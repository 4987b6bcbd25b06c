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
    /// <param name="gpu">Only this GPU (<c>CUDA_VISIBLE_DEVICES</c>), with its own input, output and temp folders.</param>
    public static IResourceBuilder<ComfyUIExecutableResource> AddComfyUIExecutable(
        this IDistributedApplicationBuilder builder, string name, string comfyUIDirectory, string python = "python3",
        IEnumerable<string>? args = null, int? gpu = null)
    {
        var resource = new ComfyUIExecutableResource(name, python, comfyUIDirectory, gpu);
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
                if (resource.Gpu is not null)
                {
                    context.Args.Add("--input-directory");
                    context.Args.Add(resource.InputDirectory);
                    context.Args.Add("--output-directory");
                    context.Args.Add(resource.OutputDirectory);
                    context.Args.Add("--temp-directory");
                    context.Args.Add(resource.TempDirectory);
                }

                foreach (var arg in extraArgs)
                {
                    context.Args.Add(arg);
                }
            })
            // Python buffers stdout when it is not a terminal; unbuffered, ComfyUI's log reaches the dashboard as it happens.
            .WithEnvironment("PYTHONUNBUFFERED", "1")
            .WithEnvironment(context =>
            {
                if (resource.Gpu is { } index)
                {
                    context.EnvironmentVariables["CUDA_VISIBLE_DEVICES"] = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            })
            .WithHttpHealthCheck(ComfyUIBuilderExtensions.HealthCheckPath, endpointName: ComfyUIExecutableResource.PrimaryEndpointName);
    }
}
