using Aspire.Hosting;
using FluxAspire.AppHost.Publishing;

namespace FluxAspire.Tests.Publishing;

/// <summary>
/// Manifest publishing of an app model a test builds itself, in this process, through the same builder and the same
/// <c>AddDeploymentFiles()</c> the AppHost uses: for shapes the AppHost does not have on this machine.
/// </summary>
public static class ModelPublish
{
    public static async Task<PublishedDeployment> RunAsync(Action<IDistributedApplicationBuilder> describe, params string[] args)
    {
        var output = Directory.CreateTempSubdirectory("fluxaspire-publish-").FullName;
        await RunAsync(Path.Combine(output, "aspire-manifest.json"), describe, args);
        return new PublishedDeployment(output);
    }

    public static async Task RunAsync(string outputPath, Action<IDistributedApplicationBuilder> describe, params string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = ["--publisher", "manifest", "--output-path", outputPath, .. args],
            AssemblyName = typeof(DeploymentFilesExtensions).Assembly.GetName().Name,
            DisableDashboard = true,
        });
        describe(builder);
        builder.AddDeploymentFiles();
        await using var app = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await app.RunAsync(timeout.Token);
    }

    public static string ApiProject => Path.Combine(RepoPaths.Root, "FluxAspire.Api", "FluxAspire.Api.csproj");

    public static string ComfyUIContext => Path.Combine(RepoPaths.Root, "comfyui");
}
