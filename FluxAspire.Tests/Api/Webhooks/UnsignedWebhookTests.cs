using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Api.Webhooks;

/// <summary>An API with no WEBHOOK_SECRET, sharing nothing with the signed environment.</summary>
public sealed class UnsignedWebhookEnvironment() : ApiWithReceiver(new Dictionary<string, string>
{
    ["WEBHOOK_SECRET"] = "",
    ["Warmup__Enabled"] = "false",
});

public class UnsignedWebhookTests(UnsignedWebhookEnvironment env) : IClassFixture<UnsignedWebhookEnvironment>
{
    [Fact]
    public async Task Without_a_secret_webhook_v2_is_sent_with_id_and_timestamp_but_no_signature()
    {
        using var http = env.Api.CreateClient();
        var id = $"unsigned-{Guid.NewGuid():N}";
        using var response = await http.PostAsJsonAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, 1),
            ["id"] = id,
            ["webhook_v2"] = new Uri(env.Receiver.BaseAddress, "/unsigned").ToString(),
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var hook = (await env.Receiver.WaitForAsync("/unsigned")).Single();
        Assert.Equal(id, hook.Header("webhook-id"));
        Assert.NotNull(hook.Header("webhook-timestamp"));
        Assert.Null(hook.Header("webhook-signature"));
        Assert.Equal("prompt.complete", (string?)JsonNode.Parse(hook.BodyText)!["type"]);
        Assert.Contains("WEBHOOK_SECRET is not set: webhook_v2 messages go out without a webhook-signature header", env.Api.Log);
    }
}
