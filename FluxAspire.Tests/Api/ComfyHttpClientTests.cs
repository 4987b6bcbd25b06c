using FluxAspire.Api.Pipeline.Comfy;
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
        builder.AddComfy();
        return builder.Build().Services;
    }

    [Fact]
    public void ServiceDefaults_resilience_handlers_do_not_reach_the_ComfyUI_client()
    {
        var services = Services(new() { ["ConnectionStrings:comfyui"] = "http://127.0.0.1:8188" });
        var factory = services.GetRequiredService<IHttpMessageHandlerFactory>();

        var comfyHandlers = HandlerTypes(factory.CreateHandler(ComfyClient.HttpClientName));
        var otherHandlers = HandlerTypes(factory.CreateHandler("some-other-client"));

        Assert.Contains(otherHandlers, t => t.Contains("Resilience", StringComparison.Ordinal));
        Assert.DoesNotContain(comfyHandlers, t => t.Contains("Resilience", StringComparison.Ordinal));
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
