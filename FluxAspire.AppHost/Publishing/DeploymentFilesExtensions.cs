#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004 // The pipeline API is marked for evaluation; it is how 13.6 runs code during publishing.
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluxAspire.AppHost.Publishing;

/// <summary>Writes the deployment files next to the manifest whenever the AppHost publishes it.</summary>
public static class DeploymentFilesExtensions
{
    /// <summary>The pipeline step's name (<c>aspire do publish-deployment-files</c>).</summary>
    public const string StepName = "publish-deployment-files";
    private const string ManifestStepName = "publish-manifest";

    /// <summary>
    /// Adds a publishing step that turns the app model into docker-compose.yml (+ .env.example) for one GPU host and
    /// salad-container-group.json (+ salad-deploy.sh) for SaladCloud. It runs with
    /// <c>--publisher manifest --output-path &lt;dir or file.json&gt;</c> and writes into the manifest's folder.
    /// </summary>
    /// <param name="builder">The AppHost's builder; its <c>Deploy</c> configuration section sets images, ports and Salad's sizes.</param>
    public static IDistributedApplicationBuilder AddDeploymentFiles(this IDistributedApplicationBuilder builder)
    {
        if (!builder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        // Read now, so a bad value fails before anything is written.
        var options = DeploymentOptions.From(builder.Configuration);
        builder.Pipeline.AddStep(StepName, context => WriteAsync(context, options), requiredBy: ManifestStepName);
        return builder;
    }

    private static async Task WriteAsync(PipelineStepContext context, DeploymentOptions options)
    {
        var directory = OutputDirectory(context);
        Directory.CreateDirectory(directory);
        var model = new DeploymentModel(context.Model, context.ExecutionContext, options);
        foreach (var resource in model.Unsupported)
        {
            context.Logger.LogWarning("{Resource} is an executable; the deployment files leave it out", resource.Name);
        }

        var compose = new ComposeFile(model, directory);
        await WriteFileAsync(context, directory, ComposeFile.FileName, await compose.BuildAsync(context.CancellationToken));
        await WriteFileAsync(context, directory, EnvFileExample.FileName, EnvFileExample.Build(compose.Variables));

        var salad = new SaladContainerGroup(model);
        await WriteFileAsync(context, directory, SaladContainerGroup.FileName, await salad.BuildAsync(context.CancellationToken));
        foreach (var (name, reason) in salad.LeftOut)
        {
            context.Logger.LogInformation("{File} leaves out {Variable}: {Reason}", SaladContainerGroup.FileName, name, reason);
        }

        var script = await WriteFileAsync(context, directory, SaladDeployScript.FileName, SaladDeployScript.Build(salad.Variables));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, File.GetUnixFileMode(script) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    /// <summary>The manifest's folder: <c>--output-path</c> names it, or the manifest file itself when it ends in .json.</summary>
    private static string OutputDirectory(PipelineStepContext context)
    {
        var outputPath = context.Services.GetRequiredService<IOptions<PipelineOptions>>().Value.OutputPath;
        if (string.IsNullOrEmpty(outputPath))
        {
            return context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        }

        var fullPath = Path.GetFullPath(outputPath);
        return fullPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Path.GetDirectoryName(fullPath)! : fullPath;
    }

    private static async Task<string> WriteFileAsync(PipelineStepContext context, string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        await File.WriteAllTextAsync(path, content, context.CancellationToken);
        context.Logger.LogInformation("Wrote {Path}", path);
        return path;
    }
}
