using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Publishing;

/// <summary>docker-compose.yml for the full GPU-host model: ComfyUI container with GPU and models, Redis, the API.</summary>
public sealed class GpuHostComposeTests(GpuHostDeployment fixture) : IClassFixture<GpuHostDeployment>
{
    private PublishedDeployment Deployment => fixture.Deployment;

    [Fact]
    public void Writes_one_service_per_resource_and_the_named_volumes()
    {
        var compose = Deployment.Compose;

        Assert.Equal("fluxaspire", (string?)compose["name"]);
        Assert.Equal(["comfyui", "comfyui-models", "cache", "api"], compose["services"]!.AsObject().Select(s => s.Key));
        Assert.Equal(["comfyui-models", "cache-data"], compose["volumes"]!.AsObject().Select(v => v.Key));
        Assert.All(compose["volumes"]!.AsObject(), v => Assert.Empty(v.Value!.AsObject()));
    }

    [Fact]
    public void ComfyUI_is_built_from_the_repository_Dockerfile()
    {
        var build = Deployment.ComposeService("comfyui")["build"]!;

        Assert.Equal(ModelPublish.ComfyUIContext, Path.GetFullPath(Path.Combine(Deployment.Directory, (string)build["context"]!)));
        Assert.StartsWith("../", (string)build["context"]!);
        Assert.Equal("Dockerfile", (string?)build["dockerfile"]);
        Assert.Equal("fluxaspire/comfyui:latest", (string?)Deployment.ComposeService("comfyui")["image"]);
    }

    [Fact]
    public void ComfyUI_reserves_all_NVIDIA_GPUs()
    {
        var device = Assert.Single(Deployment.ComposeService("comfyui")["deploy"]!["resources"]!["reservations"]!["devices"]!.AsArray())!;

        Assert.Equal("nvidia", (string?)device["driver"]);
        Assert.Equal("all", (string?)device["count"]);
        Assert.Equal(["gpu"], device["capabilities"]!.AsArray().Select(c => (string?)c));
        // The exact text Compose documents for GPU access.
        Assert.Contains(
            "          devices:\n            - driver: nvidia\n              count: all\n              capabilities:\n                - gpu\n",
            Deployment.ComposeText);
    }

    [Fact]
    public void ComfyUI_keeps_its_models_on_the_named_volume()
    {
        var volumes = Deployment.ComposeService("comfyui")["volumes"]!.AsArray().Select(v => (string?)v);

        Assert.Equal(["comfyui-models:/opt/ComfyUI/models"], volumes);
    }

    [Fact]
    public void The_model_fetch_runs_once_on_the_model_volume_before_ComfyUI_starts()
    {
        var fetch = Deployment.ComposeService("comfyui-models");

        Assert.Equal(["comfyui-models:/opt/ComfyUI/models"], fetch["volumes"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("no", (string?)fetch["restart"]);
        Assert.Contains("    restart: \"no\"\n", Deployment.ComposeText);
        Assert.Null(fetch["deploy"]);
        Assert.Equal("service_completed_successfully", (string?)Deployment.ComposeService("comfyui")["depends_on"]!["comfyui-models"]!["condition"]);
    }

    [Fact]
    public void ComfyUI_is_healthy_once_it_answers_system_stats()
    {
        var health = Deployment.ComposeService("comfyui")["healthcheck"]!;

        Assert.Equal(
            ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8188/system_stats', timeout=4)"],
            health["test"]!.AsArray().Select(t => (string?)t));
        Assert.Equal(("10s", "5s", "6", "120s"),
            ((string?)health["interval"], (string?)health["timeout"], (string?)health["retries"], (string?)health["start_period"]));
    }

    [Fact]
    public void Redis_runs_as_redis_7_with_an_append_only_data_volume_and_the_password_from_env()
    {
        var cache = Deployment.ComposeService("cache");

        Assert.Equal("redis:7", (string?)cache["image"]);
        Assert.Equal(
            ["redis-server", "--appendonly", "yes", "--requirepass", "${CACHE_PASSWORD:?set CACHE_PASSWORD in .env}"],
            cache["command"]!.AsArray().Select(c => (string?)c));
        Assert.Equal(["cache-data:/data"], cache["volumes"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["CMD", "redis-cli", "-a", "${CACHE_PASSWORD:?set CACHE_PASSWORD in .env}", "ping"],
            cache["healthcheck"]!["test"]!.AsArray().Select(t => (string?)t));
    }

    [Fact]
    public void Api_publishes_port_3000_and_reaches_comfyui_and_redis_by_service_name()
    {
        var api = Deployment.ComposeService("api");
        var environment = api["environment"]!;

        Assert.Equal(["3000:3000"], api["ports"]!.AsArray().Select(p => (string?)p));
        Assert.Contains("    ports:\n      - \"3000:3000\"\n", Deployment.ComposeText);
        Assert.Equal("3000", (string?)environment["HTTP_PORTS"]);
        Assert.Equal("Endpoint=http://comfyui:8188", (string?)environment["ConnectionStrings__comfyui"]);
        Assert.Equal("cache:6379,password=${CACHE_PASSWORD:?set CACHE_PASSWORD in .env}", (string?)environment["ConnectionStrings__cache"]);
    }

    [Fact]
    public void Redis_connection_properties_point_at_the_compose_redis_and_keep_the_password_a_reference()
    {
        var environment = Deployment.ComposeService("api")["environment"]!;

        Assert.Equal("cache", (string?)environment["CACHE_HOST"]);
        Assert.Equal("6379", (string?)environment["CACHE_PORT"]);
        Assert.Equal("${CACHE_PASSWORD:?set CACHE_PASSWORD in .env}", (string?)environment["CACHE_PASSWORD"]);
        Assert.Equal("redis://:${CACHE_PASSWORD:?set CACHE_PASSWORD in .env}@cache:6379", (string?)environment["CACHE_URI"]);
    }

    [Fact]
    public void Api_starts_after_comfyui_and_redis_are_healthy()
    {
        var dependsOn = Deployment.ComposeService("api")["depends_on"]!.AsObject();

        Assert.Equal(["comfyui", "cache"], dependsOn.Select(d => d.Key));
        Assert.All(dependsOn, d => Assert.Equal("service_healthy", (string?)d.Value!["condition"]));
    }

    [Fact]
    public void Api_telemetry_and_secrets_come_from_env_references()
    {
        var environment = Deployment.ComposeService("api")["environment"]!;

        Assert.Equal("api", (string?)environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("${OTEL_EXPORTER_OTLP_ENDPOINT:-}", (string?)environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("${OTEL_EXPORTER_OTLP_HEADERS:-}", (string?)environment["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("${OTEL_EXPORTER_OTLP_LOGS_HEADERS:-}", (string?)environment["OTEL_EXPORTER_OTLP_LOGS_HEADERS"]);
        Assert.Equal("${OTEL_EXPORTER_OTLP_METRICS_HEADERS:-}", (string?)environment["OTEL_EXPORTER_OTLP_METRICS_HEADERS"]);
        Assert.Equal("${OTEL_EXPORTER_OTLP_PROTOCOL:-http/protobuf}", (string?)environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("${WEBHOOK_SECRET:-}", (string?)environment["WEBHOOK_SECRET"]);
        Assert.Equal("${API_KEY:-}", (string?)environment["Api__Key"]);
        Assert.Equal("${HF_TOKEN:?set HF_TOKEN in .env}", (string?)Deployment.ComposeService("comfyui-models")["environment"]!["HF_TOKEN"]);
    }

    [Fact]
    public void Every_long_running_service_restarts_unless_stopped()
    {
        Assert.All(Deployment.Compose["services"]!.AsObject().Where(s => s.Key != "comfyui-models"),
            s => Assert.Equal("unless-stopped", (string?)s.Value!["restart"]));
    }

    [Fact]
    public void Env_example_lists_every_variable_the_compose_file_reads()
    {
        var lines = Deployment.EnvExampleText.Split('\n');
        var variables = lines.Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.Equal(
            ["HF_TOKEN=", "CACHE_PASSWORD=", "OTEL_EXPORTER_OTLP_ENDPOINT=", "OTEL_EXPORTER_OTLP_HEADERS=",
             "OTEL_EXPORTER_OTLP_LOGS_HEADERS=", "OTEL_EXPORTER_OTLP_METRICS_HEADERS=",
             "OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "WEBHOOK_SECRET=", "API_KEY="],
            variables);
        var referenced = System.Text.RegularExpressions.Regex.Matches(Deployment.ComposeText, @"\$\{([A-Z_]+)[:}]").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(referenced.Order(), variables.Select(v => v[..v.IndexOf('=')]).Order());
    }

    [Fact]
    public void No_secret_parameter_value_is_written()
    {
        Assert.DoesNotContain(GpuHostModel.HfTokenValue, Deployment.AllText);
        Assert.DoesNotContain(GpuHostModel.CachePasswordValue, Deployment.AllText);
    }

    [Fact]
    public void The_manifest_is_written_too()
    {
        var resources = Deployment.Manifest["resources"]!.AsObject();

        Assert.Equal("container.v1", (string?)resources["comfyui"]!["type"]);
        Assert.Equal("project.v0", (string?)resources["api"]!["type"]);
    }
}
