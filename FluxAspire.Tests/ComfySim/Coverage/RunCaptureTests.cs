using System.Text.Json.Nodes;
using FluxAspire.Tests.ComfySim.Execution;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Coverage;

/// <summary>
/// The probe's run captures not replayed elsewhere: what bystander sockets see during a run, the history of the cold
/// run, the POST answers of runs 2 and 3 and of the /api front alias, and the cold run after /free.
/// Previews on (latent2rgb), 20 ms steps, as the captured runs had previews.
/// </summary>
public sealed class RunCaptureTests(PreviewSimulatorFixture fixture) : IClassFixture<PreviewSimulatorFixture>
{
    private static readonly string[] AllFluxNodes = ["30", "27", "33", "6", "35", "31", "8", "9"];
    private readonly SimulatorProcess _sim = fixture.Sim;

    [Fact]
    public async Task Sockets_without_a_prompt_see_only_the_captured_status_broadcasts_and_history_is_as_captured()
    {
        using var http = _sim.CreateClient();
        await using var a = await SimSocket.ConnectAsync(_sim);
        await using var b = await SimSocket.ConnectAsync(_sim);
        await using var c = await SimSocket.ConnectAsync(_sim, negotiatePreviewMetadata: true);
        await FreeMemoryAsync(http);
        b.Clear();
        c.Clear();

        var request = Captures.Request("http:run1_cold:post");
        request["client_id"] = a.ClientId;
        var id = await QueueAsync(http, request);
        await a.WaitForDoneAsync(id);

        // Nothing else may follow the run's messages: clearing the (empty) queue broadcasts one more status to every
        // socket through its ordered outbox, so once that one is in, nothing the run sent can still be on its way.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/queue", new JsonObject { ["clear"] = true })).Status);
        var captured = Captures.Get("others_during_run1");
        foreach (var (name, socket) in new[] { ("B", b), ("C", c) })
        {
            var messages = captured[name]!["messages"]!;
            await Eventually.UntilAsync(() => socket.Messages.Count > messages.AsArray().Count, TimeSpan.FromSeconds(10),
                () => $"socket {name}: the run's messages and the clear's status; got: {string.Join(", ", socket.Tokens)}");
            var seen = socket.Messages;
            Assert.Equal("""{"type":"status","data":{"status":{"exec_info":{"queue_remaining":0}}}}""", seen[^1].Json!.ToJsonString());
            var run = seen.SkipLast(1).ToList();
            Assert.Equal(CapturedTokens(messages), run.Select(m => m.Token));
            Assert.Equal(CapturedCounts(captured[name]!["counts"]!), Counts(run.Select(m => m.Token)));
            Assert.Equal(messages.AsArray().Select(m => m!["json"]!.ToJsonString()), run.Select(m => m.Json!.ToJsonString()));
        }

        using var history = await http.GetAsync($"/history/{id}");
        var text = await CapturedResponse.AssertLikeAsync("http:history_run1", history, keyedByPromptId: true);
        var entry = JsonNode.Parse(text)![id]!;
        var capturedEntry = Captures.Body("http:history_run1")!.AsObject().First().Value!;
        Assert.True(JsonNode.DeepEquals(capturedEntry["prompt"]![2], entry["prompt"]![2]), "the stored graph is the posted one");
        Assert.Equal(("success", true), ((string?)entry["status"]!["status_str"], (bool)entry["status"]!["completed"]!));
        Assert.Equal(capturedEntry["status"]!["messages"]!.AsArray().Select(m => (string)m![0]!), entry["status"]!["messages"]!.AsArray().Select(m => (string)m![0]!));
    }

    [Fact]
    public async Task Later_posts_and_the_api_front_alias_answer_as_captured()
    {
        using var http = _sim.CreateClient();
        await using var a = await SimSocket.ConnectAsync(_sim);
        long? previous = null;
        foreach (var kind in new[] { "http:run2_cached:post", "http:run3_ffclient:post", "http:post_api_alias_front" })
        {
            var body = JsonNode.Parse(await CapturedResponse.ReplayAsync(http, kind, a.ClientId))!;
            var id = (string)body["prompt_id"]!;
            Assert.Equal("{}", body["node_errors"]!.ToJsonString());
            var number = (long)body["number"]!;
            if (kind == "http:post_api_alias_front")
            {
                Assert.Equal(-(previous!.Value + 1), number); // front: the next counter value, negated
            }
            else if (previous is not null)
            {
                Assert.Equal(previous + 1, number);
            }

            previous = Math.Abs(number);
            await a.WaitForDoneAsync(id);
        }
    }

    [Fact]
    public async Task After_free_the_same_graph_runs_cold_again_as_captured()
    {
        using var http = _sim.CreateClient();
        await using var a = await SimSocket.ConnectAsync(_sim);
        var warm = Captures.Request("http:run_after_free:post");
        warm["client_id"] = a.ClientId;
        await a.WaitForDoneAsync(await QueueAsync(http, warm));

        await CapturedResponse.ReplayAsync(http, "http:free");
        a.Clear();
        var id = (string)JsonNode.Parse(await CapturedResponse.ReplayAsync(http, "http:run_after_free:post", a.ClientId))!["prompt_id"]!;
        await a.WaitForDoneAsync(id);

        var captured = Captures.Get("ws:run_after_free");
        var expected = FluxRun(AllFluxNodes, 4, previews: true, negotiated: false);
        AssertSubsequence(CapturedTokens(captured["messages"]!), expected);
        Assert.Equal(CapturedCounts(captured["counts"]!), Counts(expected));
        Assert.Equal(expected, a.Tokens);
        Assert.Equal(9, a.Tokens.Count(t => t.StartsWith("executing:", StringComparison.Ordinal))); // 8 nodes, then null
        Assert.Equal("[]", a.Messages.Single(m => m.Type == "execution_cached").Data["nodes"]!.ToJsonString());
        RunMessageSequenceTests.AssertShapesMatch(captured["messages"]!, a.Messages);
    }
}
