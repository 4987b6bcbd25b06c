using System.Diagnostics;
using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Publishing;

/// <summary>salad-deploy.sh fills the placeholders of salad-container-group.json from the environment, safely.</summary>
public sealed class SaladDeployScriptTests(GpuHostDeployment fixture) : IClassFixture<GpuHostDeployment>
{
    private static readonly Dictionary<string, string> Values = new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "https://api.axiom.co",
        ["OTEL_EXPORTER_OTLP_HEADERS"] = "Authorization=Bearer xaat-123,X-Axiom-Dataset=fluxaspire",
        // Characters JSON and bash substitution both care about.
        ["WEBHOOK_SECRET"] = "a\"b\\c&d$e/f",
        ["REDIS_CONNECTION_STRING"] = "redis.example:6380,password=p&w \"x\",ssl=true",
    };

    [Fact]
    public async Task Print_fills_every_placeholder_with_the_json_escaped_value()
    {
        var (exitCode, stdout, stderr) = await RunAsync(Values, "--print");

        Assert.True(exitCode == 0, stderr);
        var environment = JsonNode.Parse(stdout)!["container"]!["environment_variables"]!;
        Assert.Equal("https://api.axiom.co", (string?)environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("Authorization=Bearer xaat-123,X-Axiom-Dataset=fluxaspire", (string?)environment["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal("a\"b\\c&d$e/f", (string?)environment["WEBHOOK_SECRET"]);
        Assert.Equal("redis.example:6380,password=p&w \"x\",ssl=true", (string?)environment["ConnectionStrings__cache"]);
        Assert.DoesNotContain("${", stdout);
    }

    [Fact]
    public async Task An_unset_optional_value_takes_its_default_or_stays_empty()
    {
        var values = new Dictionary<string, string>(Values);
        values.Remove("OTEL_EXPORTER_OTLP_HEADERS");

        var (exitCode, stdout, stderr) = await RunAsync(values, "--print");

        Assert.True(exitCode == 0, stderr);
        var environment = JsonNode.Parse(stdout)!["container"]!["environment_variables"]!;
        Assert.Equal("http/protobuf", (string?)environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("", (string?)environment["OTEL_EXPORTER_OTLP_HEADERS"]);
    }

    [Fact]
    public async Task A_missing_required_value_stops_before_anything_is_sent()
    {
        var values = new Dictionary<string, string>(Values);
        values.Remove("REDIS_CONNECTION_STRING");

        var (exitCode, stdout, stderr) = await RunAsync(values, "--print");

        Assert.Equal(2, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains("REDIS_CONNECTION_STRING", stderr);
    }

    [Fact]
    public async Task Without_Salad_credentials_it_says_which_one_is_missing()
    {
        var (exitCode, _, stderr) = await RunAsync(Values);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("SALAD_API_KEY", stderr);
    }

    [Fact]
    public void Is_executable_and_posts_to_the_container_groups_endpoint_with_the_salad_api_key()
    {
        var script = File.ReadAllText(fixture.Deployment.SaladScriptPath);

        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(fixture.Deployment.SaladScriptPath).HasFlag(UnixFileMode.UserExecute));
        Assert.Contains("\"https://api.salad.com/api/public/organizations/$SALAD_ORGANIZATION/projects/$SALAD_PROJECT/containers\"", script);
        Assert.Contains("-H \"Salad-Api-Key: $SALAD_API_KEY\"", script);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> values, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(fixture.Deployment.SaladScriptPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in (string[])["SALAD_API_KEY", "SALAD_ORGANIZATION", "SALAD_PROJECT", "HF_TOKEN", "CACHE_PASSWORD", "API_KEY",
                     "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_LOGS_HEADERS",
                     "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "OTEL_EXPORTER_OTLP_PROTOCOL", "WEBHOOK_SECRET", "REDIS_CONNECTION_STRING"])
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in values)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout, await stderr);
    }
}
