using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace FluxAspire.Tests.AppHost;

/// <summary>ServiceDefaults in a real web host on a real port, exporting to a real OTLP/HTTP receiver.</summary>
public sealed class ServiceDefaultsTests
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/alive")]
    public async Task Health_endpoints_answer_healthy_as_json_in_production(string path)
    {
        await using var app = await StartServiceAsync([]);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var response = await http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.String, body.RootElement.GetProperty("version").ValueKind);
    }

    [Fact]
    public async Task Traces_go_to_the_OTLP_endpoint_with_the_headers_from_OTEL_EXPORTER_OTLP_HEADERS()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using (var app = await StartServiceAsync(
        [
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={receiver.Url}",
            "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
            "--OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer xaat-test-token,X-Axiom-Dataset=flux",
            "--OTEL_SERVICE_NAME=defaults-under-test",
        ]))
        {
            // The test's own client runs in the service's process: unsuppressed, its span would become the request's
            // parent, and a root client span is background polling to the sampler. Call as an outside caller does.
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
            using (OpenTelemetry.SuppressInstrumentationScope.Begin())
            {
                (await http.GetAsync("/traced")).EnsureSuccessStatusCode();
            }
        } // disposing the host flushes the exporters

        var traces = Assert.Single(receiver.Requests, r => r.Path == "/v1/traces");
        Assert.Equal("Bearer xaat-test-token", traces.Headers["Authorization"]);
        Assert.Equal("flux", traces.Headers["X-Axiom-Dataset"]);
        Assert.Equal("application/x-protobuf", traces.Headers["Content-Type"]);
    }

    [Fact]
    public async Task Nothing_is_exported_without_OTEL_EXPORTER_OTLP_ENDPOINT()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using (var app = await StartServiceAsync(["--OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer nope"]))
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
            (await http.GetAsync("/traced")).EnsureSuccessStatusCode();
        }

        Assert.Empty(receiver.Requests);
    }

    private static async Task<WebApplication> StartServiceAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            EnvironmentName = Environments.Production,
            ApplicationName = "defaults-under-test",
        });
        builder.WebHost.UseUrls($"http://127.0.0.1:{FreePort.Next()}");
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        var source = new ActivitySource("defaults-under-test");
        app.MapGet("/traced", () =>
        {
            using var activity = source.StartActivity("work");
            return "ok";
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>An OTLP/HTTP collector stand-in that records each export request's path and headers.</summary>
    private sealed class OtlpReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private OtlpReceiver(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public string Url { get; }

        public ConcurrentBag<(string Path, Dictionary<string, string> Headers)> Requests { get; } = [];

        public static async Task<OtlpReceiver> StartAsync()
        {
            var url = $"http://127.0.0.1:{FreePort.Next()}";
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(url);
            var app = builder.Build();
            var receiver = new OtlpReceiver(app, url);
            app.Run(async context =>
            {
                await context.Request.Body.CopyToAsync(Stream.Null);
                receiver.Requests.Add((context.Request.Path, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString())));
                context.Response.ContentType = "application/x-protobuf";
            });
            await app.StartAsync();
            return receiver;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
