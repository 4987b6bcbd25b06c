using System.Text;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Comfy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FluxAspire.Tests.Api;

/// <summary>POST /prompt is never blindly re-sent: ComfyUI would queue the same prompt id twice.
/// A scripted HTTP handler plays ComfyUI here, to make the lost answer happen on demand.</summary>
public class ComfyPromptSubmitterTests
{
    private const string Id = "job-1";

    private static async Task<List<string>> SubmitAsync(Func<HttpRequestMessage, int, HttpResponseMessage> comfy, bool expectFailure = false)
    {
        var handler = new ScriptedHandler(comfy);
        var client = new ComfyClient(new SingleClientFactory(new HttpClient(handler) { BaseAddress = new Uri("http://comfy/") }));
        var submitter = new ComfyPromptSubmitter(client, Options.Create(new ComfyOptions { SubmitAttempts = 3 }), TimeProvider.System,
            NullLogger<ComfyPromptSubmitter>.Instance);

        var submit = submitter.SubmitAsync(new JsonObject { ["9"] = new JsonObject() }, Id, "client", CancellationToken.None);
        if (expectFailure)
        {
            await Assert.ThrowsAsync<ComfyUnavailableException>(() => submit);
        }
        else
        {
            await submit;
        }

        return handler.Calls;
    }

    private static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static readonly string Queued = $$$"""{"prompt_id": "{{{Id}}}", "number": 1, "node_errors": {}}""";

    [Fact]
    public async Task A_lost_answer_for_a_prompt_that_was_queued_is_not_sent_again()
    {
        var calls = await SubmitAsync((request, n) => request.RequestUri!.AbsolutePath switch
        {
            "/prompt" => throw new HttpRequestException("connection reset"),
            "/queue" => Json($$$"""{"queue_running": [[1, "{{{Id}}}", {}, {}, ["9"]]], "queue_pending": []}"""),
            _ => throw new InvalidOperationException(request.RequestUri.ToString()),
        });

        Assert.Equal(["POST /prompt", "GET /queue"], calls);
    }

    [Fact]
    public async Task A_prompt_that_already_finished_is_found_in_history()
    {
        var calls = await SubmitAsync((request, n) => request.RequestUri!.AbsolutePath switch
        {
            "/prompt" => throw new HttpRequestException("connection reset"),
            "/queue" => Json("""{"queue_running": [], "queue_pending": []}"""),
            "/history/job-1" => Json(new JsonObject { [Id] = JsonNode.Parse("""{"outputs": {}, "status": {"status_str": "success", "completed": true, "messages": []}}""") }.ToJsonString()),
            _ => throw new InvalidOperationException(request.RequestUri.ToString()),
        });

        Assert.Equal(["POST /prompt", "GET /queue", "GET /history/job-1"], calls);
    }

    [Fact]
    public async Task A_prompt_ComfyUI_does_not_have_is_sent_again()
    {
        var posts = 0;
        var calls = await SubmitAsync((request, n) => request.RequestUri!.AbsolutePath switch
        {
            "/prompt" => ++posts == 1 ? throw new HttpRequestException("connection refused") : Json(Queued),
            "/queue" => Json("""{"queue_running": [], "queue_pending": []}"""),
            "/history/job-1" => Json("{}"),
            _ => throw new InvalidOperationException(request.RequestUri.ToString()),
        });

        Assert.Equal(["POST /prompt", "GET /queue", "GET /history/job-1", "POST /prompt"], calls);
    }

    [Fact]
    public async Task When_the_check_itself_fails_the_prompt_is_not_guessed_into_a_resend()
    {
        var calls = await SubmitAsync((request, n) => throw new HttpRequestException("connection refused"), expectFailure: true);

        Assert.Equal(["POST /prompt", "GET /queue"], calls);
    }

    [Fact]
    public async Task A_rejected_prompt_is_not_retried()
    {
        var handler = new ScriptedHandler((request, n) => new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent("""{"error": {"type": "prompt_no_outputs", "message": "Prompt has no outputs", "details": "", "extra_info": {}}, "node_errors": {}}"""),
        });
        var client = new ComfyClient(new SingleClientFactory(new HttpClient(handler) { BaseAddress = new Uri("http://comfy/") }));
        var submitter = new ComfyPromptSubmitter(client, Options.Create(new ComfyOptions()), TimeProvider.System, NullLogger<ComfyPromptSubmitter>.Instance);

        var rejected = await Assert.ThrowsAsync<ComfyPromptRejectedException>(() => submitter.SubmitAsync([], Id, "c", CancellationToken.None));

        Assert.Equal("prompt_no_outputs", (string?)rejected.Body["error"]!["type"]);
        Assert.Equal(["POST /prompt"], handler.Calls);
    }

    [Fact]
    public async Task The_prompt_is_sent_with_our_id_and_client_id()
    {
        var handler = new ScriptedHandler((request, n) => Json(Queued));
        var client = new ComfyClient(new SingleClientFactory(new HttpClient(handler) { BaseAddress = new Uri("http://comfy/") }));

        await client.QueuePromptAsync(new JsonObject { ["9"] = new JsonObject { ["class_type"] = "SaveImage" } }, Id, "abc", CancellationToken.None);

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse($$$"""{"prompt": {"9": {"class_type": "SaveImage"}}, "client_id": "abc", "prompt_id": "{{{Id}}}"}"""),
            JsonNode.Parse(handler.Bodies.Single())));
    }

    private sealed class ScriptedHandler(Func<HttpRequestMessage, int, HttpResponseMessage> respond) : HttpMessageHandler
    {
        public List<string> Calls { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls.Add($"{request.Method} {request.RequestUri!.AbsolutePath}");
            if (request.Content is not null)
            {
                Bodies.Add(await request.Content.ReadAsStringAsync(cancellationToken));
            }

            return respond(request, Calls.Count);
        }
    }

    private sealed class SingleClientFactory(HttpClient client) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => client;
    }
}
