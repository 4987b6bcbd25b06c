using Aspire.Hosting;
using FluxAspire.AppHost.Publishing;

namespace FluxAspire.Tests.Publishing;

/// <summary>The Deploy configuration section changes what publishing writes; bad values fail before anything is written.</summary>
public sealed class DeploymentOptionsTests
{
    private static readonly string[] Overrides =
    [
        "--Deploy:Salad:Name=flux-prod",
        "--Deploy:Salad:Image=ghcr.io/acme/fluxaspire-salad:1.2.3",
        "--Deploy:Salad:Replicas=5",
        "--Deploy:Salad:Cpu=8",
        "--Deploy:Salad:MemoryMb=40960",
        "--Deploy:Salad:GpuClasses=class-a, class-b",
        "--Deploy:Salad:StorageGb=50",
        "--Deploy:Salad:Auth=false",
        "--Deploy:Salad:CountryCodes:0=US",
        "--Deploy:Salad:CountryCodes:1=ca",
        "--Deploy:Port=8000",
        "--Deploy:Images:api=ghcr.io/acme/fluxaspire-api:1.2.3",
        "--Deploy:ComposeProjectName=flux-gpu",
    ];

    [Fact]
    public async Task Salad_values_come_from_configuration()
    {
        var deployment = await ModelPublish.RunAsync(GpuHostModel.Describe, [.. GpuHostModel.SecretArgs, .. Overrides]);
        var salad = deployment.Salad;

        Assert.Equal("flux-prod", (string?)salad["name"]);
        Assert.Equal("ghcr.io/acme/fluxaspire-salad:1.2.3", (string?)salad["container"]!["image"]);
        Assert.Equal(5, (int)salad["replicas"]!);
        Assert.Equal(8, (int)salad["container"]!["resources"]!["cpu"]!);
        Assert.Equal(40960, (int)salad["container"]!["resources"]!["memory"]!);
        Assert.Equal(["class-a", "class-b"], salad["container"]!["resources"]!["gpu_classes"]!.AsArray().Select(c => (string?)c));
        Assert.Equal(50L * 1024 * 1024 * 1024, (long)salad["container"]!["resources"]!["storage_amount"]!);
        Assert.Equal(["us", "ca"], salad["country_codes"]!.AsArray().Select(c => (string?)c));
        Assert.Equal(8000, (int)salad["networking"]!["port"]!);
        Assert.Equal(8000, (int)salad["readiness_probe"]!["http"]!["port"]!);
        Assert.Equal(8000, (int)salad["startup_probe"]!["http"]!["port"]!);
        Assert.Equal("8000", (string?)salad["container"]!["environment_variables"]!["HTTP_PORTS"]);
        Directory.Delete(deployment.Directory, recursive: true);
    }

    [Fact]
    public async Task Without_Salads_gateway_auth_the_api_key_check_is_required()
    {
        var deployment = await ModelPublish.RunAsync(GpuHostModel.Describe, [.. GpuHostModel.SecretArgs, "--Deploy:Salad:Auth=false"]);

        Assert.False((bool)deployment.Salad["networking"]!["auth"]!);
        Assert.Equal("${API_KEY}", (string?)deployment.Salad["container"]!["environment_variables"]!["Api__Key"]);
        Assert.Contains("'API_KEY|required||", File.ReadAllText(deployment.SaladScriptPath));
        Directory.Delete(deployment.Directory, recursive: true);
    }

    [Fact]
    public async Task Compose_port_image_and_project_name_come_from_configuration()
    {
        var deployment = await ModelPublish.RunAsync(GpuHostModel.Describe, [.. GpuHostModel.SecretArgs, .. Overrides]);
        var api = deployment.ComposeService("api");

        Assert.Equal("flux-gpu", (string?)deployment.Compose["name"]);
        Assert.Equal("ghcr.io/acme/fluxaspire-api:1.2.3", (string?)api["image"]);
        Assert.Equal(["8000:8000"], api["ports"]!.AsArray().Select(p => (string?)p));
        Assert.Equal("8000", (string?)api["environment"]!["HTTP_PORTS"]);
        Directory.Delete(deployment.Directory, recursive: true);
    }

    [Fact]
    public async Task An_output_path_ending_in_json_puts_the_files_next_to_that_manifest()
    {
        var output = Directory.CreateTempSubdirectory("fluxaspire-publish-").FullName;
        var manifest = Path.Combine(output, "deploy", "flux.json");

        await ModelPublish.RunAsync(manifest, GpuHostModel.Describe, GpuHostModel.SecretArgs);

        Assert.Equal(
            [".env.example", "docker-compose.yml", "flux.json", "salad-container-group.json", "salad-deploy.sh"],
            Directory.GetFiles(Path.GetDirectoryName(manifest)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Directory.Delete(output, recursive: true);
    }

    [Theory]
    [InlineData("--Deploy:Salad:Cpu=32", "Deploy:Salad:Cpu must be 1 to 16, not 32")]
    [InlineData("--Deploy:Salad:MemoryMb=512", "Deploy:Salad:MemoryMb must be 1024 to 61440, not 512")]
    [InlineData("--Deploy:Salad:Replicas=-1", "Deploy:Salad:Replicas must be 0 to 500, not -1")]
    [InlineData("--Deploy:Salad:Name=Flux_Prod", "Deploy:Salad:Name 'Flux_Prod' must be 2-63 lowercase letters, digits or '-', starting with a letter")]
    [InlineData("--Deploy:Salad:GpuClasses=", "Deploy:Salad:GpuClasses must name at least one GPU class id")]
    [InlineData("--Deploy:Port=0", "Deploy:Port must be a TCP port, not 0")]
    [InlineData("--Deploy:ComposeProjectName=Flux AI", "Deploy:ComposeProjectName 'Flux AI' must be lowercase letters, digits, '-' or '_', starting with a letter or digit")]
    public void A_bad_value_fails_with_the_key_and_the_rule(string arg, string message)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = ["--publisher", "manifest", "--output-path", Path.GetTempPath(), arg],
            AssemblyName = typeof(DeploymentFilesExtensions).Assembly.GetName().Name,
            DisableDashboard = true,
        });

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddDeploymentFiles());

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_bad_deploy_value_does_not_stop_dotnet_run()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = ["--Deploy:Salad:Cpu=32"],
            AssemblyName = typeof(DeploymentFilesExtensions).Assembly.GetName().Name,
            DisableDashboard = true,
        });

        Assert.Null(Record.Exception(() => builder.AddDeploymentFiles()));
    }
}
