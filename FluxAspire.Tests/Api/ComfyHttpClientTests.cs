using FluxAspire.Api.Operations.Resilience;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Tests.Api.Outbound;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FluxAspire.Tests.Api;

public class ComfyHttpClientTests
{
    private static IServiceProvider Services(Dictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        if (logs is not null) builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs);
        builder.AddServiceDefaults();
        builder.AddResilience();
        builder.AddComfy();
        return builder.Build().Services;
    }

    [Fact]
    public void The_ComfyUI_client_has_one_resilience_handler_like_every_other_client()
    {
        var services = Services(new() { ["ConnectionStrings:comfyui"] = "http://127.0.0.1:8188" });
        var factory = services.GetRequiredService<IHttpMessageHandlerFactory>();

        var comfyHandlers = HandlerTypes(factory.CreateHandler(ComfyClient.HttpClientName));
        var otherHandlers = HandlerTypes(factory.CreateHandler("some-other-client"));

        Assert.Single(otherHandlers, t => t.Contains("Resilience", StringComparison.Ordinal));
        Assert.Single(comfyHandlers, t => t.Contains("Resilience", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("POST", "prompt")]
    [InlineData("POST", "upload/image")]
    [InlineData("POST", "interrupt")]
    [InlineData("POST", "queue")]
    public async Task A_failing_POST_is_sent_once(string method, string path)
    {
        await using var comfy = await LocalReceiver.StartAsync();
        comfy.Respond = (_, _, context) => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        var http = Services(new() { ["ConnectionStrings:comfyui"] = comfy.BaseAddress.ToString() })
            .GetRequiredService<IHttpClientFactory>().CreateClient(ComfyClient.HttpClientName);

        using var answer = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        // The handler is done once the call returned: whatever it sent has arrived.
        Assert.Single(comfy.ReceivedAt($"/{path}"));
    }

    [Fact]
    public async Task A_failing_GET_is_retried_once_and_quickly()
    {
        await using var comfy = await LocalReceiver.StartAsync();
        comfy.Respond = (_, _, context) => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        var http = Services(new() { ["ConnectionStrings:comfyui"] = comfy.BaseAddress.ToString() })
            .GetRequiredService<IHttpClientFactory>().CreateClient(ComfyClient.HttpClientName);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        using var answer = await http.GetAsync("history/p1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal(2, comfy.ReceivedAt("/history/p1").Count);
        // The outage 503 and /ready have a few seconds in all (ApiOutageTests); one retry must cost far less.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Polly_logs_the_ComfyUI_clients_retries_at_Debug_only_as_every_poll_goes_through_it()
    {
        await using var comfy = await LocalReceiver.StartAsync();
        comfy.Respond = (_, _, context) => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        var logs = new Resilience.LogRecords();
        var http = Services(new() { ["ConnectionStrings:comfyui"] = comfy.BaseAddress.ToString() }, logs)
            .GetRequiredService<IHttpClientFactory>().CreateClient(ComfyClient.HttpClientName);

        using var answer = await http.GetAsync("system_stats");

        var polly = logs.All.Where(r => r.Category == "Polly").ToList();
        Assert.Contains(polly, r => r.Message.Contains($"{ComfyClient.HttpClientName}-standard", StringComparison.Ordinal));
        Assert.All(polly, r => Assert.True(r.Level <= LogLevel.Debug, $"{r.Level}: {r.Message}"));
    }

    [Fact]
    public async Task A_GET_to_a_ComfyUI_that_is_down_fails_fast_as_unavailable()
    {
        var client = Services(new() { ["ConnectionStrings:comfyui"] = $"http://127.0.0.1:{FreePort.Next()}" }).GetRequiredService<ComfyClient>();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAsync<ComfyUnavailableException>(() => client.GetSystemStatsAsync(CancellationToken.None));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_GET_that_recovers_on_its_retry_succeeds()
    {
        await using var comfy = await LocalReceiver.StartAsync();
        comfy.Respond = async (n, _, context) =>
        {
            context.Response.StatusCode = n == 1 ? 502 : 200;
            if (n > 1) await context.Response.WriteAsync("""{"queue_running": [], "queue_pending": []}""");
        };
        var client = Services(new() { ["ConnectionStrings:comfyui"] = comfy.BaseAddress.ToString() }).GetRequiredService<ComfyClient>();

        var queue = await client.GetQueueAsync(CancellationToken.None);

        Assert.False(queue.Contains("p1"));
        Assert.Equal(2, (await comfy.WaitForAsync("/queue", 2)).Count);
    }

    [Fact]
    public void The_connection_string_wins_over_BaseUrl()
    {
        var services = Services(new() { ["ConnectionStrings:comfyui"] = "Endpoint=http://a:1", ["ComfyUI:BaseUrl"] = "http://b:2" });

        Assert.Equal(new Uri("http://a:1/"), services.GetRequiredService<IOptions<ComfyOptions>>().Value.BaseUri);
    }

    [Fact]
    public void No_address_fails_start_up_with_a_clear_message()
    {
        var services = Services([]);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ComfyOptions>>().Value);
        Assert.Contains("ConnectionStrings__comfyui", error.Message);
    }

    private static List<string> HandlerTypes(HttpMessageHandler handler)
    {
        var types = new List<string>();
        for (HttpMessageHandler? current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            types.Add(current.GetType().FullName!);
        }

        return types;
    }
}
