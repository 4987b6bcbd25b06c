using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using FluxAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FluxAspire.Tests.Telemetry;

/// <summary>
/// The whole AppHost with its dashboard (off in other AppHost tests): a text2img job's node spans are found in the
/// dashboard itself, through its telemetry HTTP API (<c>/api/telemetry/traces/{traceId}</c>). With
/// FLUX_DASHBOARD_SCREENSHOT=path.png, headless Chromium also saves the dashboard's view of that trace there.
/// </summary>
public sealed class DashboardTraceTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_dashboard_shows_a_text2img_jobs_node_spans_in_its_trace()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.FluxAspire_AppHost>(
            ["--DcpPublisher:WaitForResourceCleanup=false", "--Redis:Mode=none", "--ComfyUI:Mode=simulator", "--ComfyUI:SimulatorStepMs=60",
             "--ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true"],
            (options, _) => options.DisableDashboard = false, cts.Token);
        await using var app = await builder.BuildAsync(cts.Token);

        await app.StartAsync(cts.Token).WaitAsync(StartTimeout, cts.Token);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api", cts.Token).WaitAsync(StartTimeout, cts.Token);

        // The testing builder picks the dashboard's ports itself; its resource's environment says where the frontend is.
        Assert.True(app.ResourceNotifications.TryGetCurrentState("aspire-dashboard", out var dashboardState), "the dashboard runs");
        var dashboard = new Uri(dashboardState.Snapshot.EnvironmentVariables.Single(e => e.Name == "DASHBOARD__FRONTEND__PUBLICURL").Value!);

        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var api = app.CreateHttpClient("api", "http");
        api.Timeout = TimeSpan.FromSeconds(60);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/workflow/text2img")
        {
            Content = JsonContent.Create(new JsonObject { ["input"] = new JsonObject { ["prompt"] = "a lighthouse at dusk", ["steps"] = 4, ["seed"] = 7 } }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await api.SendAsync(request, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        using var http = new HttpClient { BaseAddress = dashboard, Timeout = TimeSpan.FromSeconds(10) };
        List<string> names = [];
        var found = await Eventually.TryUntilAsync(async () =>
        {
            using var answer = await http.GetAsync($"/api/telemetry/traces/{traceId}");
            if (!answer.IsSuccessStatusCode) return false;
            names = SpanNames(JsonNode.Parse(await answer.Content.ReadAsStringAsync())).ToList();
            return names.Contains("KSampler") && names.Contains("SaveImage") && names.Contains("job run");
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500));
        Assert.True(found, $"the dashboard's trace {traceId} holds the job's node spans; it has: {string.Join(", ", names)}");
        Assert.Contains("comfyui run", names);
        Assert.Contains("CheckpointLoaderSimple", names);

        if (Environment.GetEnvironmentVariable("FLUX_DASHBOARD_SCREENSHOT") is { Length: > 0 } screenshot)
        {
            await ScreenshotAsync(new Uri(dashboard, $"/traces/detail/{traceId}"), screenshot);
        }
    }

    /// <summary>Every span name in an OTLP JSON document (resourceSpans → scopeSpans → spans).</summary>
    private static IEnumerable<string> SpanNames(JsonNode? node) => node switch
    {
        JsonObject o when o["spanId"] is not null && o["name"] is JsonValue name => [name.GetValue<string>()],
        JsonObject o => o.SelectMany(p => SpanNames(p.Value)),
        JsonArray a => a.SelectMany(SpanNames),
        _ => [],
    };

    /// <summary>Headless Chromium, driven over its DevTools protocol by tools/dashboard-screenshot.mjs, saves the page once
    /// it shows <c>KSampler</c> (the dashboard renders in the browser, after the page has loaded).</summary>
    private static async Task ScreenshotAsync(Uri page, string path)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["--experimental-websocket", Path.Combine(RepoPaths.Root, "tools", "dashboard-screenshot.mjs"), page.ToString(),
                     Path.GetFullPath(path), "KSampler"])
        {
            info.ArgumentList.Add(argument);
        }

        using var node = Process.Start(info)!;
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var errors = node.StandardError.ReadToEndAsync(wait.Token);
        await node.WaitForExitAsync(wait.Token);
        Assert.True(node.ExitCode == 0 && File.Exists(path), $"no screenshot: {await errors}");
    }
}
