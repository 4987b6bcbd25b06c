using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>Reads an app model the way DCP and the manifest would, without starting anything (AppHost and ComfyHost tests).</summary>
internal static class AppModel
{
    public static IResource Resource(IDistributedApplicationTestingBuilder builder, string name) =>
        Assert.Single(builder.Resources, r => r.Name == name);

    public static async Task<List<object>> ArgsOf(
        IResource resource, DistributedApplicationOperation operation = DistributedApplicationOperation.Run)
    {
        var args = new List<object>();
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(args)
            {
                ExecutionContext = new DistributedApplicationExecutionContext(operation),
            });
        }

        return args;
    }

    public static async Task<List<object>> RuntimeArgsOf(IResource resource)
    {
        var args = new List<object>();
        foreach (var callback in resource.Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await callback.Callback(new ContainerRuntimeArgsCallbackContext(args, CancellationToken.None));
        }

        return args;
    }

    /// <summary>The literal environment values set for run mode (endpoint references are not resolved).</summary>
    public static async Task<IReadOnlyDictionary<string, object>> RunEnvironmentOf(IResource resource)
    {
        var env = new Dictionary<string, object>();
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), env));
        }

        return env;
    }

    /// <summary>The environment as the manifest would write it: references stay as <c>{resource.property}</c> expressions.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> PublishedEnvironmentOf(IResource resource)
    {
        var result = await ExecutionConfigurationBuilder.Create(resource)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), NullLogger.Instance, CancellationToken.None);
        Assert.Null(result.Exception);
        return result.EnvironmentVariables.ToDictionary(e => e.Key, e => e.Value);
    }

    public static IReadOnlyList<string> CommandNames(IResource resource) =>
        [.. resource.Annotations.OfType<ResourceCommandAnnotation>().Select(c => c.Name).Where(n => n.StartsWith("comfyui-", StringComparison.Ordinal))];

    public static (IResource Resource, WaitType Type) WaitOf(IResource resource, string dependency)
    {
        var wait = Assert.Single(resource.Annotations.OfType<WaitAnnotation>(), w => w.Resource.Name == dependency);
        return (wait.Resource, wait.WaitType);
    }

    /// <summary>An app model that failed to build, as text: Aspire wraps a configuration error in AggregateExceptions.</summary>
    public static string Flatten(Exception error) =>
        error is AggregateException aggregate ? string.Join("\n", aggregate.InnerExceptions.Select(Flatten)) : error.ToString();
}
