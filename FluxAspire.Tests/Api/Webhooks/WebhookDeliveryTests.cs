using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Api.Outbound;

namespace FluxAspire.Tests.Api.Webhooks;

/// <summary>webhook_v2 and the legacy webhook, end to end: real API and simulator processes, a real receiver.
/// Each test uses its own receiver path, so a late delivery of another test cannot be mistaken for its own.</summary>
public class WebhookDeliveryTests(WebhookEnvironment env) : IClassFixture<WebhookEnvironment>, IAsyncLifetime
{
    private readonly HttpClient _http = env.Api.CreateClient();
    private readonly HttpClient _sim = env.Simulator.CreateClient();

    public Task InitializeAsync() => _sim.DeleteAsync("/sim/faults");

    public Task DisposeAsync() => _sim.DeleteAsync("/sim/faults");

    private string Url(string path) => new Uri(env.Receiver.BaseAddress, path).ToString();

    private static string NewId(string name) => $"{name}-{Guid.NewGuid():N}";

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, JsonObject body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public async Task Webhook_v2_answers_202_at_once_then_posts_one_signed_prompt_complete()
    {
        var id = NewId("v2-complete");
        var (status, accepted) = await PostAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, steps: 1),
            ["id"] = id,
            ["webhook_v2"] = Url("/v2/complete"),
        });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("ok", (string?)accepted["status"]);
        Assert.Equal(id, (string?)accepted["id"]);
        Assert.Equal(Url("/v2/complete"), (string?)accepted["webhook_v2"]);
        Assert.Equal($"{id}_ComfyUI", (string?)accepted["prompt"]!["9"]!["inputs"]!["filename_prefix"]);
        Assert.Null(accepted["images"]);

        var hook = (await env.Receiver.WaitForAsync("/v2/complete")).Single();
        StandardWebhooksVerifier.Verify(WebhookEnvironment.Secret, hook);
        Assert.Equal("POST", hook.Method);
        Assert.Equal(id, hook.Header("webhook-id"));
        Assert.StartsWith("application/json", hook.Header("content-type"));

        var body = JsonNode.Parse(hook.BodyText)!;
        Assert.Equal("prompt.complete", (string?)body["type"]);
        Assert.InRange(DateTimeOffset.Parse((string)body["timestamp"]!, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(id, (string?)body["id"]);
        Assert.Equal(Url("/v2/complete"), (string?)body["webhook_v2"]);
        Assert.Equal($"{id}_ComfyUI", (string?)body["prompt"]!["9"]!["inputs"]!["filename_prefix"]);
        var filename = (string)body["filenames"]!.AsArray().Single()!;
        Assert.Equal($"{id}_ComfyUI_00001_.png", filename);
        var png = Convert.FromBase64String((string)body["images"]!.AsArray().Single()!);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.NotNull(body["stats"]!["total_time"]);
        Assert.NotNull(body["stats"]!["comfy_execution"]!["duration"]);

        // Once the API logs the delivery done, no retry of it can follow.
        await WaitForLogAsync($"Webhook prompt.complete for job {id} delivered (attempt 1)");
        Assert.Single(env.Receiver.ReceivedAt("/v2/complete"));
    }

    [Fact]
    public async Task A_webhook_v2_body_is_byte_for_byte_what_JSON_stringify_writes_so_recipe_clients_verify_it()
    {
        var id = NewId("v2-stringify");
        var (status, _) = await PostAsync("/workflow/text2img", new JsonObject
        {
            ["id"] = id,
            ["input"] = new JsonObject { ["prompt"] = "café <b>&</b> ☕ 画像 😀 \u2028 \"quoted\" \\ tab\t", ["width"] = 256, ["height"] = 256, ["steps"] = 1 },
            ["webhook_v2"] = Url("/v2/stringify"),
        });
        Assert.Equal(HttpStatusCode.Accepted, status);

        var hook = (await env.Receiver.WaitForAsync("/v2/stringify")).Single();
        StandardWebhooksVerifier.Verify(WebhookEnvironment.Secret, hook);
        Assert.Contains('+', hook.BodyText); // base64 image data, written as it is
        Assert.DoesNotContain("\\u002B", hook.BodyText, StringComparison.Ordinal);
        // The recipe's clients check the signature over JSON.stringify(JSON.parse(body)): node is that reference.
        Assert.Equal(hook.BodyText, await NodeJs.StringifyAsync(hook.BodyText));
    }

    [Fact]
    public async Task Webhook_v2_on_text2img_echoes_the_input_with_defaults()
    {
        var id = NewId("v2-t2i");
        var (status, accepted) = await PostAsync("/workflow/text2img", new JsonObject
        {
            ["input"] = new JsonObject { ["prompt"] = "a red fox", ["width"] = 256, ["height"] = 256, ["steps"] = 1, ["seed"] = 42 },
            ["id"] = id,
            ["webhook_v2"] = Url("/v2/text2img"),
        });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("ok", (string?)accepted["status"]);
        Assert.Equal("a red fox", (string?)accepted["input"]!["prompt"]);
        Assert.Equal("euler", (string?)accepted["input"]!["sampler_name"]);
        Assert.Equal(42UL, (ulong)accepted["prompt"]!["31"]!["inputs"]!["seed"]!);

        var hook = (await env.Receiver.WaitForAsync("/v2/text2img")).Single();
        StandardWebhooksVerifier.Verify(WebhookEnvironment.Secret, hook);
        var body = JsonNode.Parse(hook.BodyText)!;
        Assert.Equal("prompt.complete", (string?)body["type"]);
        Assert.Equal(id, (string?)body["id"]);
        Assert.Equal("a red fox", (string?)body["input"]!["prompt"]);
        Assert.Single(body["images"]!.AsArray());
    }

    [Fact]
    public async Task A_503_is_retried_with_the_same_webhook_id_and_a_fresh_signature()
    {
        env.Receiver.RespondAt("/v2/retry503", (n, _, context) => { context.Response.StatusCode = n == 1 ? 503 : 200; return Task.CompletedTask; });
        var id = NewId("v2-503");
        var (status, _) = await PostAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1), ["id"] = id, ["webhook_v2"] = Url("/v2/retry503") });
        Assert.Equal(HttpStatusCode.Accepted, status);

        var attempts = await env.Receiver.WaitForAsync("/v2/retry503", 2);
        Assert.All(attempts, a => StandardWebhooksVerifier.Verify(WebhookEnvironment.Secret, a));
        Assert.All(attempts, a => Assert.Equal(id, a.Header("webhook-id")));
        Assert.Equal(attempts[0].BodyText, attempts[1].BodyText);
        await WaitForLogAsync($"for job {id} delivered (attempt 2)");
        Assert.Equal(2, env.Receiver.ReceivedAt("/v2/retry503").Count);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_Retry_After()
    {
        env.Receiver.RespondAt("/v2/retry429", (n, _, context) =>
        {
            context.Response.StatusCode = n == 1 ? 429 : 204;
            if (n == 1) context.Response.Headers.RetryAfter = "2";
            return Task.CompletedTask;
        });
        var (status, _) = await PostAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1), ["id"] = NewId("v2-429"), ["webhook_v2"] = Url("/v2/retry429") });
        Assert.Equal(HttpStatusCode.Accepted, status);

        var attempts = await env.Receiver.WaitForAsync("/v2/retry429", 2);
        // The configured backoff is 100 ms; only Retry-After explains a gap of two seconds.
        Assert.InRange(attempts[1].At - attempts[0].At, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(10));
        StandardWebhooksVerifier.Verify(WebhookEnvironment.Secret, attempts[1]);
    }

    [Fact]
    public async Task A_failed_node_sends_prompt_failed_with_node_type_and_message()
    {
        using var fault = await _sim.PostAsJsonAsync("/sim/faults", JsonNode.Parse("""{"fail_node": {"class_type": "KSampler", "exception_type": "RuntimeError", "message": "boom"}}"""));
        fault.EnsureSuccessStatusCode();
        var id = NewId("v2-failed");

        var (status, _) = await PostAsync("/workflow/text2img", new JsonObject
        {
            ["input"] = new JsonObject { ["prompt"] = "p", ["width"] = 256, ["height"] = 256, ["steps"] = 1 },
            ["id"] = id,
            ["webhook_v2"] = Url("/v2/failed"),
        });
        Assert.Equal(HttpStatusCode.Accepted, status);

        var hook = (await env.Receiver.WaitForAsync("/v2/failed")).Single();
        StandardWebhooksVerifier.Verify(WebhookEnvironment.Secret, hook);
        var body = JsonNode.Parse(hook.BodyText)!;
        Assert.Equal("prompt.failed", (string?)body["type"]);
        Assert.Equal(id, (string?)body["id"]);
        Assert.Equal("31", (string?)body["node_id"]);
        Assert.Equal("KSampler", (string?)body["node_type"]);
        Assert.Equal("RuntimeError", (string?)body["exception_type"]);
        Assert.Equal("boom", (string?)body["exception_message"]);
        Assert.Contains("boom", (string?)body["error"]);
        Assert.NotNull(body["prompt"]!["31"]);
        Assert.Null(body["images"]);
    }

    [Fact]
    public async Task The_legacy_webhook_posts_one_unsigned_output_complete_per_file()
    {
        var id = NewId("legacy");
        var graph = TestGraphs.Flux(256, 256, 1);
        graph["27"]!["inputs"]!["batch_size"] = 2;

        var (status, accepted) = await PostAsync("/prompt", new JsonObject { ["prompt"] = graph, ["id"] = id, ["webhook"] = Url("/legacy") });
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("ok", (string?)accepted["status"]);

        var hooks = await env.Receiver.WaitForAsync("/legacy", 2);
        var bodies = hooks.Select(h => JsonNode.Parse(h.BodyText)!.AsObject()).OrderBy(b => (string?)b["filename"]).ToList();
        Assert.All(hooks, h => Assert.Null(h.Header("webhook-signature")));
        Assert.Equal([$"{id}_ComfyUI_00001_.png", $"{id}_ComfyUI_00002_.png"], bodies.Select(b => (string?)b["filename"]));
        foreach (var body in bodies)
        {
            Assert.Equal(["event", "image", "id", "filename", "prompt", "stats"], body.Select(p => p.Key));
            Assert.Equal("output.complete", (string?)body["event"]);
            Assert.Equal(id, (string?)body["id"]);
            Assert.Equal(0x89, Convert.FromBase64String((string)body["image"]!)[0]);
            var stats = body["stats"]!.AsObject();
            Assert.NotNull(stats["comfy_execution"]);
            Assert.False(stats.ContainsKey("upload_time"));
            Assert.False(stats.ContainsKey("total_time"));
        }
    }

    [Theory]
    [InlineData("webhook_v2", "http://127.0.0.1:1/hook", "refused: host '127.0.0.1' resolves to 127.0.0.1 is a loopback address")]
    [InlineData("webhook_v2", "http://169.254.169.254/latest/meta-data/", "refused: host '169.254.169.254' resolves to 169.254.169.254 is a cloud metadata address")]
    [InlineData("webhook", "http://metadata.google.internal/computeMetadata/v1/", "refused: 'metadata.google.internal' is a cloud metadata host")]
    [InlineData("webhook_v2", "file:///etc/passwd", "refused: scheme 'file' is not allowed (only http and https)")]
    [InlineData("webhook", "not a url", "must be an absolute http or https URL")]
    public async Task A_refused_receiver_is_a_400_naming_the_field(string field, string url, string reason)
    {
        var (status, problem) = await PostAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1), [field] = url });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal([reason], problem["errors"]![field]!.AsArray().Select(e => (string?)e));
    }

    [Fact]
    public async Task A_receiver_that_redirects_to_the_metadata_address_is_not_followed()
    {
        env.Receiver.RespondAt("/v2/redirect", (_, _, context) =>
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = "http://169.254.169.254/latest/meta-data/";
            return Task.CompletedTask;
        });
        var id = NewId("v2-redirect");
        var (status, _) = await PostAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, 1), ["id"] = id, ["webhook_v2"] = Url("/v2/redirect") });
        Assert.Equal(HttpStatusCode.Accepted, status);

        await env.Receiver.WaitForAsync("/v2/redirect");
        await WaitForLogAsync($"for job {id} was not delivered");

        var line = env.Api.Log.Split('\n').Single(l => l.Contains($"for job {id} was not delivered"));
        Assert.Contains("host '169.254.169.254' resolves to 169.254.169.254 is a cloud metadata address", line);
        Assert.Single(env.Receiver.ReceivedAt("/v2/redirect"));
        Assert.DoesNotContain(WebhookEnvironment.Secret[6..], env.Api.Log);
    }

    private Task WaitForLogAsync(string text) =>
        Eventually.UntilAsync(() => env.Api.Log.Contains(text, StringComparison.Ordinal), TimeSpan.FromSeconds(15), () => $"the API to log \"{text}\":\n{env.Api.Log}");
}
