using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Publishing;

/// <summary>salad-container-group.json for the one-image deployment, with the default Deploy:Salad settings.</summary>
public sealed class SaladContainerGroupTests(GpuHostDeployment fixture) : IClassFixture<GpuHostDeployment>
{
    private JsonNode Salad => fixture.Deployment.Salad;

    [Fact]
    public void Has_exactly_the_fields_of_Salads_create_container_group_body()
    {
        Assert.Equal(
            ["name", "container", "autostart_policy", "restart_policy", "replicas", "networking", "startup_probe", "readiness_probe"],
            Salad.AsObject().Select(p => p.Key));
        Assert.Equal(["image", "resources", "environment_variables", "image_caching"], Salad["container"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void Runs_3_replicas_of_the_one_image_that_restart_always()
    {
        Assert.Equal("fluxaspire", (string?)Salad["name"]);
        Assert.Equal("fluxaspire/salad:latest", (string?)Salad["container"]!["image"]);
        Assert.Equal(3, (int)Salad["replicas"]!);
        Assert.Equal("always", (string?)Salad["restart_policy"]);
        Assert.True((bool)Salad["autostart_policy"]!);
        Assert.True((bool)Salad["container"]!["image_caching"]!);
    }

    [Fact]
    public void Asks_for_4_vCPUs_30_GB_and_a_24_GB_GPU()
    {
        var resources = Salad["container"]!["resources"]!;

        Assert.Equal(4, (int)resources["cpu"]!);
        Assert.Equal(30720, (int)resources["memory"]!);
        Assert.Equal(["ed563892-aacd-40f5-80b7-90c9be6c759b"], resources["gpu_classes"]!.AsArray().Select(c => (string?)c));
        Assert.Equal(30L * 1024 * 1024 * 1024, (long)resources["storage_amount"]!);
    }

    [Fact]
    public void Serves_http_on_port_3000_behind_the_authenticated_gateway()
    {
        var networking = Salad["networking"]!;

        Assert.Equal("http", (string?)networking["protocol"]);
        Assert.Equal(3000, (int)networking["port"]!);
        Assert.True((bool)networking["auth"]!);
        Assert.Equal("least_number_of_connections", (string?)networking["load_balancer"]);
        Assert.False((bool)networking["single_connection_limit"]!);
        Assert.Equal((100000, 100000), ((int)networking["client_request_timeout"]!, (int)networking["server_response_timeout"]!));
    }

    [Fact]
    public void Readiness_probe_asks_ready_every_2_s_with_a_2_s_timeout_and_3_failures()
    {
        AssertProbe(Salad["readiness_probe"]!, "/ready", failureThreshold: 3);
    }

    [Fact]
    public void Startup_probe_asks_health_which_answers_as_soon_as_the_api_listens()
    {
        AssertProbe(Salad["startup_probe"]!, "/health", failureThreshold: 60);
    }

    [Fact]
    public void Environment_points_the_api_at_its_own_comfyui_child_and_keeps_secrets_as_references()
    {
        var environment = Salad["container"]!["environment_variables"]!.AsObject().ToDictionary(e => e.Key, e => (string?)e.Value);

        Assert.Equal(new Dictionary<string, string?>
        {
            ["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory",
            ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true",
            ["HTTP_PORTS"] = "3000",
            ["ConnectionStrings__comfyui"] = "Endpoint=http://127.0.0.1:8188",
            ["ConnectionStrings__cache"] = "${REDIS_CONNECTION_STRING}",
            ["OTEL_SERVICE_NAME"] = "api",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "${OTEL_EXPORTER_OTLP_ENDPOINT}",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "${OTEL_EXPORTER_OTLP_HEADERS}",
            ["OTEL_EXPORTER_OTLP_LOGS_HEADERS"] = "${OTEL_EXPORTER_OTLP_LOGS_HEADERS}",
            ["OTEL_EXPORTER_OTLP_METRICS_HEADERS"] = "${OTEL_EXPORTER_OTLP_METRICS_HEADERS}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "${OTEL_EXPORTER_OTLP_PROTOCOL}",
            ["WEBHOOK_SECRET"] = "${WEBHOOK_SECRET}",
        }, environment);
    }

    [Fact]
    public void No_secret_parameter_value_is_written()
    {
        Assert.DoesNotContain(GpuHostModel.HfTokenValue, fixture.Deployment.SaladText);
        Assert.DoesNotContain(GpuHostModel.CachePasswordValue, fixture.Deployment.SaladText);
    }

    private static void AssertProbe(JsonNode probe, string path, int failureThreshold)
    {
        Assert.Equal(["http", "initial_delay_seconds", "period_seconds", "timeout_seconds", "success_threshold", "failure_threshold"],
            probe.AsObject().Select(p => p.Key));
        Assert.Equal(path, (string?)probe["http"]!["path"]);
        Assert.Equal(3000, (int)probe["http"]!["port"]!);
        Assert.Equal("http", (string?)probe["http"]!["scheme"]);
        Assert.Empty(probe["http"]!["headers"]!.AsArray());
        Assert.Equal((0, 2, 2, 1, failureThreshold), (
            (int)probe["initial_delay_seconds"]!, (int)probe["period_seconds"]!, (int)probe["timeout_seconds"]!,
            (int)probe["success_threshold"]!, (int)probe["failure_threshold"]!));
    }
}
