using FluxAspire.Api.Comfy;
using FluxAspire.Tests.Api.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FluxAspire.Tests.Api;

public class ComfyHttpClientTests
{
    private static IServiceProvider Services(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddComfyClient();
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

    [Fact]
    public async Task A_failing_POST_is_sent_once_and_a_failing_GET_is_retried()
    {
        await using var comfy = await LocalReceiver.StartAsync();
        comfy.Respond = (_, _, context) => { context.Response.StatusCode = 503; return Task.CompletedTask; };
        var services = Services(new() { ["ConnectionStrings:comfyui"] = comfy.BaseAddress.ToString() });
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(ComfyClient.HttpClientName);

        using (var post = await http.PostAsync("prompt", new StringContent("{}")))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, post.StatusCode);
        }

        // The handler is done once the call returned: whatever it sent has arrived.
        await comfy.WaitForAsync("/prompt", 1);
        Assert.Single(comfy.ReceivedAt("/prompt"));

        using (var get = await http.GetAsync("system_stats"))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, get.StatusCode);
        }

        Assert.True(comfy.ReceivedAt("/system_stats").Count > 1);
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
