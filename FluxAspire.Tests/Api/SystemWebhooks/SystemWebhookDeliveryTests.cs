using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;
using FluxAspire.Tests.Api.Webhooks;

namespace FluxAspire.Tests.Api.SystemWebhooks;

/// <summary>System webhooks end to end: real API and simulator, a real receiver, SYSTEM_WEBHOOK_EVENTS=all.</summary>
public class SystemWebhookDeliveryTests(SystemWebhookEnvironment env) : IClassFixture<SystemWebhookEnvironment>
{
    private readonly HttpClient _http = env.Api.CreateClient();

    private static string NewId(string name) => $"{name}-{Guid.NewGuid():N}";

    private static bool ForPrompt(JsonObject body, string id) => (string?)body["data"]?["data"]?["prompt_id"] == id;

    [Fact]
    public async Task A_prompt_sends_signed_comfy_execution_start_executing_and_execution_success_with_our_id()
    {
        var id = NewId("sys");
        using var response = await _http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 1), ["id"] = id });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (startRequest, start) = await env.WaitForEventAsync("comfy.execution_start", b => ForPrompt(b, id));
        var (_, executing) = await env.WaitForEventAsync("comfy.executing", b => ForPrompt(b, id) && (string?)b["data"]!["data"]!["node"] == "9");
        var (successRequest, success) = await env.WaitForEventAsync("comfy.execution_success", b => ForPrompt(b, id));

        // data is the whole WebSocket message {type, data}; the real fields are at data.data.
        Assert.Equal("execution_start", (string?)start["data"]!["type"]);
        Assert.Equal("executing", (string?)executing["data"]!["type"]);
        Assert.Equal("execution_success", (string?)success["data"]!["type"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"region":"eu-test","salad_machine_id":"machine-7"}"""), success["metadata"]));
        Assert.Equal(["data", "event", "metadata"], success.Select(p => p.Key).Order(StringComparer.Ordinal));

        foreach (var request in new[] { startRequest, successRequest })
        {
            StandardWebhooksVerifier.Verify(SystemWebhookEnvironment.Secret, request);
            // A random UUID per message, not the request id (contract §1.5).
            Assert.True(Guid.TryParse(request.Header("webhook-id"), out _));
        }

        Assert.NotEqual(startRequest.Header("webhook-id"), successRequest.Header("webhook-id"));
    }

    [Fact]
    public async Task Progress_and_status_events_arrive_as_well_with_all()
    {
        var id = NewId("sys-progress");
        using var response = await _http.PostAsJsonAsync("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 2), ["id"] = id });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (_, progress) = await env.WaitForEventAsync("comfy.progress", b => ForPrompt(b, id));
        Assert.Equal(2, (int?)progress["data"]!["data"]!["max"]);
        var (_, status) = await env.WaitForEventAsync("comfy.status", _ => true);
        Assert.NotNull(status["data"]!["data"]!["status"]!["exec_info"]);
    }

    [Fact]
    public async Task An_http_upload_sends_storage_file_uploaded_with_url_and_size_but_not_the_bytes()
    {
        var id = NewId("sys-upload");
        var prefix = new Uri(env.Receiver.BaseAddress, "/sysup/").ToString();
        using var response = await _http.PostAsJsonAsync("/prompt", new JsonObject
        {
            ["prompt"] = TestGraphs.Flux(256, 256, steps: 1),
            ["id"] = id,
            ["http_upload"] = new JsonObject { ["url_prefix"] = prefix },
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var put = (await env.Receiver.WaitForAsync("/sysup/")).Single();

        var (request, body) = await env.WaitForEventAsync("storage.file_uploaded", b => (string?)b["data"]!["id"] == id);
        StandardWebhooksVerifier.Verify(SystemWebhookEnvironment.Secret, request);
        var data = body["data"]!.AsObject();
        Assert.Equal(["id", "size", "url"], data.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal($"{prefix}{id}_ComfyUI_00001_.png", (string?)data["url"]);
        Assert.Equal(put.Body.Length, (long?)data["size"]);
        Assert.True(request.Body.Length < 1024, $"the webhook is {request.Body.Length} bytes: it must not carry the file");
    }

    [Fact]
    public async Task A_url_image_input_sends_file_downloaded_and_cleanup_sends_file_deleted_without_query_or_bytes()
    {
        var id = NewId("sys-download");
        var imageUrl = new Uri(env.Receiver.BaseAddress, "/image.png");
        using var response = await _http.PostAsJsonAsync("/prompt", new JsonObject
        {
            ["prompt"] = Inputs.InputsGraphs.LoadAndSave(imageUrl + "?token=do-not-leak"),
            ["id"] = id,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var (downloadRequest, downloaded) = await env.WaitForEventAsync("storage.file_downloaded", b => (string?)b["data"]!["url"] == imageUrl.ToString());
        StandardWebhooksVerifier.Verify(SystemWebhookEnvironment.Secret, downloadRequest);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["url"] = imageUrl.ToString(), ["size"] = SystemWebhookEnvironment.Png.Length }, downloaded["data"]));
        Assert.DoesNotContain("do-not-leak", downloadRequest.BodyText);

        var output = Path.Combine(env.Simulator.OutputDirectory, $"{id}_in_00001_.png");
        var (_, deletedOutput) = await env.WaitForEventAsync("storage.file_deleted", b => (string?)b["data"]!["local_path"] == output);
        Assert.Equal(["local_path", "size"], deletedOutput["data"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True((long)deletedOutput["data"]!["size"]! > 0);
        Assert.False(File.Exists(output));

        var (_, deletedInput) = await env.WaitForEventAsync("storage.file_deleted",
            b => ((string?)b["data"]!["local_path"])?.StartsWith(env.Simulator.InputDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal) == true);
        Assert.Equal(SystemWebhookEnvironment.Png.Length, (long?)deletedInput["data"]!["size"]);
    }

    [Fact]
    public async Task A_failed_node_posts_one_legacy_prompt_failed_with_the_real_error_and_a_comfy_execution_error()
    {
        using var sim = env.Simulator.CreateClient();
        using var fault = await sim.PostAsJsonAsync("/sim/faults", JsonNode.Parse("""{"fail_node": {"class_type": "KSampler", "exception_type": "RuntimeError", "message": "boom"}}"""));
        fault.EnsureSuccessStatusCode();
        try
        {
            var id = NewId("legacy-failed");
            using var response = await _http.PostAsJsonAsync("/prompt", new JsonObject
            {
                // A seed of its own, so ComfyUI's cache cannot skip the failing KSampler.
                ["prompt"] = TestGraphs.Flux(256, 256, steps: 1, seed: (ulong)Random.Shared.NextInt64(1, long.MaxValue)),
                ["id"] = id,
                ["webhook"] = new Uri(env.Receiver.BaseAddress, "/legacy-failed").ToString(),
            });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

            var hook = (await env.Receiver.WaitForAsync("/legacy-failed")).Single();
            Assert.Null(hook.Header("webhook-signature"));
            var body = JsonNode.Parse(hook.BodyText)!;
            Assert.Equal("prompt.failed", (string?)body["event"]);
            Assert.Equal(id, (string?)body["id"]);
            Assert.Equal($"{id}_ComfyUI", (string?)body["prompt"]!["9"]!["inputs"]!["filename_prefix"]);
            Assert.Contains("boom", (string?)body["error"]);
            Assert.Equal("KSampler", (string?)body["node_type"]);

            var (_, error) = await env.WaitForEventAsync("comfy.execution_error", b => ForPrompt(b, id));
            // ComfyUI ends exception_message with a newline (traceback.format_exception_only); passed on unchanged.
            Assert.Equal("boom\n", (string?)error["data"]!["data"]!["exception_message"]);
            // Once the API logs the delivery done, no retry of it can follow.
            await Eventually.UntilAsync(
                () => env.Api.Log.Contains($"Webhook prompt.failed (legacy) for job {id} delivered (attempt 1)", StringComparison.Ordinal),
                TimeSpan.FromSeconds(15),
                () => $"the API to log the legacy webhook of {id} delivered:\n{env.Api.Log}");
            Assert.Single(env.Receiver.ReceivedAt("/legacy-failed"));
        }
        finally
        {
            await sim.DeleteAsync("/sim/faults");
        }
    }

    [Theory]
    [InlineData("s3", """{"bucket":"b","prefix":"p/","async":false}""", "uploads to S3 are not configured on this server; use http_upload")]
    [InlineData("azure_blob_upload", """{"container":"c","blob_prefix":"x/"}""", "uploads to Azure Blob Storage are not configured on this server; use http_upload")]
    [InlineData("hf_upload", """{"repo":"me/out","repo_type":"dataset","revision":"main","directory":"/","async":true}""", "uploads to Hugging Face are not configured on this server; use http_upload")]
    public async Task Other_upload_keys_are_a_400_naming_the_field_on_prompt_and_workflows(string field, string value, string reason)
    {
        foreach (var (path, body) in new[]
        {
            ("/prompt", new JsonObject { ["prompt"] = TestGraphs.Flux(256, 256, steps: 1), [field] = JsonNode.Parse(value) }),
            ("/workflow/text2img", new JsonObject { ["input"] = new JsonObject { ["prompt"] = "p", ["width"] = 256, ["height"] = 256, ["steps"] = 1 }, [field] = JsonNode.Parse(value) }),
        })
        {
            using var response = await _http.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal([reason], problem["errors"]![field]!.AsArray().Select(e => (string?)e));
        }
    }
}
