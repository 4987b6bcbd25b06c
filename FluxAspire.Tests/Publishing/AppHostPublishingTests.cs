using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace FluxAspire.Tests.Publishing;

/// <summary>
/// What <c>dotnet run --project FluxAspire.AppHost -- --publisher manifest --output-path &lt;dir&gt;</c> writes for the
/// AppHost as it is: ComfyUI as the GPU container (publishing describes the GPU deployment), the API, and Redis when
/// the model has it.
/// </summary>
public sealed partial class AppHostPublishingTests(AppHostPublishFixture fixture) : IClassFixture<AppHostPublishFixture>
{
    private PublishedDeployment Deployment => fixture.Deployment;

    [Fact]
    public void The_manifest_is_still_written()
    {
        var resources = Deployment.Manifest["resources"]!.AsObject();

        Assert.Equal("container.v1", (string?)resources["comfyui"]!["type"]);
        Assert.Equal("project.v0", (string?)resources["api"]!["type"]);
    }

    [Fact]
    public void Compose_has_a_service_for_every_project_and_container_of_the_manifest()
    {
        var expected = Deployment.Manifest["resources"]!.AsObject()
            .Where(r => ((string?)r.Value!["type"])!.Split('.')[0] is "project" or "container" || r.Key == "cache")
            .Select(r => r.Key);

        Assert.Equal(expected, Deployment.Compose["services"]!.AsObject().Select(s => s.Key));
    }

    [Fact]
    public void ComfyUI_is_the_GPU_container_built_from_the_repository_with_its_model_volume()
    {
        var comfyui = Deployment.ComposeService("comfyui");

        Assert.Equal(Path.Combine(RepoPaths.Root, "comfyui"), Path.GetFullPath(Path.Combine(Deployment.Directory, (string)comfyui["build"]!["context"]!)));
        Assert.Equal("Dockerfile", (string?)comfyui["build"]!["dockerfile"]);
        Assert.Contains(
            "          devices:\n            - driver: nvidia\n              count: all\n              capabilities:\n                - gpu\n",
            Deployment.ComposeText);
        Assert.Equal(["comfyui-models:/opt/ComfyUI/models"], comfyui["volumes"]!.AsArray().Select(v => (string?)v));
        Assert.True(Deployment.Compose["volumes"]!.AsObject().ContainsKey("comfyui-models"));
        Assert.Contains("http://127.0.0.1:8188/system_stats", (string?)comfyui["healthcheck"]!["test"]!.AsArray().Last());
    }

    [Fact]
    public void Every_service_another_waits_to_complete_runs_once_and_the_rest_restart()
    {
        var services = Deployment.Compose["services"]!.AsObject();
        var oneShots = services
            .SelectMany(s => s.Value!["depends_on"]?.AsObject() ?? [])
            .Where(d => (string?)d.Value!["condition"] == "service_completed_successfully")
            .Select(d => d.Key)
            .ToHashSet();

        Assert.All(services, s => Assert.Equal(oneShots.Contains(s.Key) ? "no" : "unless-stopped", (string?)s.Value!["restart"]));
    }

    [Fact]
    public void Api_runs_its_container_image_on_port_3000_and_reaches_comfyui_by_service_name()
    {
        var api = Deployment.ComposeService("api");
        var environment = api["environment"]!;

        Assert.Equal(ExpectedApiImage(), (string?)api["image"]);
        Assert.Equal(["3000:3000"], api["ports"]!.AsArray().Select(p => (string?)p));
        Assert.Equal("3000", (string?)environment["HTTP_PORTS"]);
        Assert.Equal("Endpoint=http://comfyui:8188", (string?)environment["ConnectionStrings__comfyui"]);
        Assert.Equal("service_healthy", (string?)api["depends_on"]!["comfyui"]!["condition"]);
        Assert.Equal("${OTEL_EXPORTER_OTLP_ENDPOINT:-}", (string?)environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("${OTEL_EXPORTER_OTLP_HEADERS:-}", (string?)environment["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("${WEBHOOK_SECRET:-}", (string?)environment["WEBHOOK_SECRET"]);
    }

    [Fact]
    public void Redis_if_the_model_has_it_runs_as_redis_7_and_the_api_reaches_it_by_service_name()
    {
        if (Deployment.Manifest["resources"]!["cache"] is null)
        {
            Assert.False(Deployment.Compose["services"]!.AsObject().ContainsKey("cache"));
            Assert.Null(Deployment.ComposeService("api")["environment"]!["ConnectionStrings__cache"]);
            return;
        }

        var cache = Deployment.ComposeService("cache");
        Assert.Equal("redis:7", (string?)cache["image"]);
        Assert.Equal(["redis-server", "--appendonly", "yes"], cache["command"]!.AsArray().Take(3).Select(c => (string?)c));
        Assert.Equal(["cache-data:/data"], cache["volumes"]!.AsArray().Select(v => (string?)v));
        Assert.StartsWith("cache:6379", (string?)Deployment.ComposeService("api")["environment"]!["ConnectionStrings__cache"]);
    }

    [Fact]
    public void Salad_group_has_the_recipes_sizes_probes_and_port()
    {
        var salad = Deployment.Salad;

        Assert.Equal(3, (int)salad["replicas"]!);
        Assert.Equal((4, 30720), ((int)salad["container"]!["resources"]!["cpu"]!, (int)salad["container"]!["resources"]!["memory"]!));
        Assert.Equal(["ed563892-aacd-40f5-80b7-90c9be6c759b"], salad["container"]!["resources"]!["gpu_classes"]!.AsArray().Select(c => (string?)c));
        Assert.Equal(("http", 3000, true), ((string?)salad["networking"]!["protocol"], (int)salad["networking"]!["port"]!, (bool)salad["networking"]!["auth"]!));
        Assert.Equal(("/ready", 3000, 2, 2, 3), Probe(salad["readiness_probe"]!));
        Assert.Equal(("/health", 3000, 2, 2, 60), Probe(salad["startup_probe"]!));
        Assert.Equal("always", (string?)salad["restart_policy"]);
    }

    [Fact]
    public void Salad_environment_keeps_every_deployment_value_as_a_reference()
    {
        var environment = Deployment.Salad["container"]!["environment_variables"]!.AsObject();

        Assert.Equal("Endpoint=http://127.0.0.1:8188", (string?)environment["ConnectionStrings__comfyui"]);
        Assert.Equal("${OTEL_EXPORTER_OTLP_ENDPOINT}", (string?)environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("${OTEL_EXPORTER_OTLP_HEADERS}", (string?)environment["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("${WEBHOOK_SECRET}", (string?)environment["WEBHOOK_SECRET"]);
        if (Deployment.Manifest["resources"]!["cache"] is not null)
        {
            Assert.Equal("${REDIS_CONNECTION_STRING}", (string?)environment["ConnectionStrings__cache"]);
        }
    }

    [Fact]
    public void No_secret_parameter_value_reaches_any_file()
    {
        Assert.NotEmpty(fixture.SecretValues);
        Assert.All(fixture.SecretValues.Values, secret => Assert.DoesNotContain(secret, Deployment.AllText));
    }

    [Fact]
    public void Every_variable_the_compose_file_reads_is_in_the_env_example()
    {
        var referenced = Variable().Matches(Deployment.ComposeText).Select(m => m.Groups[1].Value).ToHashSet();
        var listed = Deployment.EnvExampleText.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l[..l.IndexOf('=')]);

        Assert.Equal(referenced.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
    }

    private static (string?, int, int, int, int) Probe(JsonNode probe) => (
        (string?)probe["http"]!["path"], (int)probe["http"]!["port"]!, (int)probe["period_seconds"]!,
        (int)probe["timeout_seconds"]!, (int)probe["failure_threshold"]!);

    // dotnet publish -t:PublishContainer's name for the API: its ContainerRepository, else the lowercased assembly name.
    private static string ExpectedApiImage()
    {
        var project = XDocument.Load(Path.Combine(RepoPaths.Root, "FluxAspire.Api", "FluxAspire.Api.csproj"));
        var repository = project.Descendants("ContainerRepository").FirstOrDefault()?.Value ?? "fluxaspire.api";
        return $"{repository}:latest";
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)[:}]")]
    private static partial Regex Variable();
}
