using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>Dashboard commands that any ComfyUI (real or simulated) understands.</summary>
public static class ComfyUICommandExtensions
{
    /// <summary>The name of the "Free memory" command.</summary>
    public const string FreeMemoryCommandName = "comfyui-free-memory";

    /// <summary>The name of the "Interrupt" command.</summary>
    public const string InterruptCommandName = "comfyui-interrupt";

    /// <summary>The body of the free-memory request: unload every model and drop the caches.</summary>
    public const string FreeMemoryBody = """{"unload_models":true,"free_memory":true}""";

    /// <summary>
    /// Adds "Free memory" (<c>POST /free</c> with <see cref="FreeMemoryBody"/>) and "Interrupt" (<c>POST /interrupt</c>
    /// with <c>{}</c>: stops whatever prompt is running). Enabled while ComfyUI is healthy.
    /// </summary>
    /// <param name="builder">The ComfyUI resource.</param>
    public static IResourceBuilder<T> WithComfyUICommands<T>(this IResourceBuilder<T> builder) where T : IComfyUIResource
    {
        var resource = builder.Resource;
        return builder
            .WithCommand(FreeMemoryCommandName, "Free memory",
                context => PostAsync(resource, "free", FreeMemoryBody, "ComfyUI unloaded its models and freed memory", context),
                new CommandOptions
                {
                    Description = "POST /free: unload all models and free GPU and RAM caches (the next prompt reloads the checkpoint)",
                    IconName = "Broom",
                    UpdateState = EnabledWhenHealthy,
                })
            .WithCommand(InterruptCommandName, "Interrupt",
                context => PostAsync(resource, "interrupt", "{}", "ComfyUI interrupted the running prompt, if any", context),
                new CommandOptions
                {
                    Description = "POST /interrupt: stop the prompt that is running now (queued prompts stay queued)",
                    IconName = "Stop",
                    UpdateState = EnabledWhenHealthy,
                });
    }

    /// <summary>ComfyUI's base URL from its connection string <c>Endpoint=http://host:port</c>, with a trailing '/'.</summary>
    public static async Task<Uri> BaseUrlAsync(IComfyUIResource resource, CancellationToken cancellationToken)
    {
        var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken)
            ?? throw new InvalidOperationException($"{resource.Name} has no connection string yet");
        var url = connectionString.StartsWith("Endpoint=", StringComparison.OrdinalIgnoreCase)
            ? connectionString["Endpoint=".Length..]
            : connectionString;
        return new Uri(url.TrimEnd('/') + "/");
    }

    private static ResourceCommandState EnabledWhenHealthy(UpdateCommandStateContext context) =>
        context.ResourceSnapshot.HealthStatus == HealthStatus.Healthy ? ResourceCommandState.Enabled : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> PostAsync(
        IComfyUIResource resource, string path, string json, string done, ExecuteCommandContext context)
    {
        try
        {
            var url = new Uri(await BaseUrlAsync(resource, context.CancellationToken), path);
            using var http = context.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(url, content, context.CancellationToken);
            return response.IsSuccessStatusCode
                ? CommandResults.Success(done)
                : CommandResults.Failure($"POST {url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (HttpRequestException ex)
        {
            return CommandResults.Failure($"POST /{path} failed: {ex.Message}");
        }
    }
}
