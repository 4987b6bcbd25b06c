using System.Text.Json.Nodes;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>Long prompts on a slow sampler (50 ms steps): reconnect, interrupts, and queue operations, as captured.</summary>
public sealed class InterruptQueueAndReconnectTests(SlowSimulatorFixture fixture) : IClassFixture<SlowSimulatorFixture>
{
    private readonly SimulatorProcess _sim = fixture.Sim;

    [Fact]
    public async Task Reconnect_then_wrong_id_then_global_interrupt_match_the_captures()
    {
        using var http = _sim.CreateClient();
        await FreeMemoryAsync(http);
        await using var old = await SimSocket.ConnectAsync(_sim);
        var id = await QueueAsync(http, Flux(old.ClientId, seed: 21, steps: 3000));
        await old.WaitForAsync(m => m.Type == "progress", TimeSpan.FromSeconds(20));

        // A second socket with the same clientId: greeting with sid, then executing {node} without prompt_id.
        var raw = new System.Net.WebSockets.ClientWebSocket();
        await raw.ConnectAsync(_sim.WebSocketUri(old.ClientId), CancellationToken.None);
        var greeting = await ReceiveJsonAsync(raw);
        var executing = await ReceiveJsonAsync(raw);
        var captured = Captures.Get("reconnect_same_client_first_msgs")["msgs"]!.AsArray();
        JsonShape.AssertSameShape(captured[0]!["json"], greeting);
        JsonShape.AssertSameShape(captured[1]!["json"], executing);
        Assert.Equal(old.ClientId, (string?)greeting["data"]!["sid"]);
        Assert.Equal("""{"type":"executing","data":{"node":"31"}}""", executing.ToJsonString());
        // Closing this socket unregisters the clientId (ComfyUI's pitfall), so connect once more after the close completes.
        await raw.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        raw.Dispose();
        await using var d2 = await SimSocket.ConnectAsync(_sim, old.ClientId);

        // Interrupting another prompt id does nothing.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/interrupt", new JsonObject { ["prompt_id"] = "not-running" })).Status);
        var before = d2.Messages.Count(m => m.Type == "progress");
        await d2.WaitForAsync(m => m.Type == "progress" && d2.Messages.Count(p => p.Type == "progress") > before + 1, TimeSpan.FromSeconds(10));

        var queue = await GetJsonAsync(http, "/queue");
        JsonShape.AssertSameShape(Captures.Body("http:queue_while_running"), queue);
        Assert.Equal(id, (string?)queue["queue_running"]![0]![1]);
        Assert.Equal(1, (int)(await GetJsonAsync(http, "/prompt"))["exec_info"]!["queue_remaining"]!);

        using (var empty = await http.PostAsync("/interrupt", null))
        {
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
            Assert.Equal("", await empty.Content.ReadAsStringAsync());
        }

        await d2.WaitForDoneAsync(id);
        var tail = d2.Tokens.SkipWhile(t => t != "execution_interrupted").ToList();
        Assert.Equal(["execution_interrupted", "status", "executing:null"], tail);
        var interrupted = d2.Messages.Single(m => m.Type == "execution_interrupted");
        var capturedInterrupt = Captures.Get("ws:interrupt_global")["new"]!["messages"]!.AsArray()
            .Select(m => m!["json"]).First(j => (string?)j?["type"] == "execution_interrupted")!;
        JsonShape.AssertSameShape(capturedInterrupt, interrupted.Json);
        Assert.Equal(("31", "KSampler"), ((string?)interrupted.Data["node_id"], (string?)interrupted.Data["node_type"]));
        Assert.Equal(["27", "30", "33", "35", "6"], interrupted.Data["executed"]!.AsArray().Select(n => n!.GetValue<string>()).Order(StringComparer.Ordinal));
        var lastState = d2.Messages.Last(m => m.Type == "progress_state").Data["nodes"]!["31"]!;
        Assert.Equal("running", (string?)lastState["state"]);

        var entry = (await GetJsonAsync(http, $"/history/{id}"))[id]!;
        JsonShape.AssertSameShape(Captures.Body("http:history_interrupted")!.AsObject().First().Value, entry);
        Assert.Equal(("error", false, "{}"), ((string?)entry["status"]!["status_str"], (bool)entry["status"]!["completed"]!, entry["outputs"]!.ToJsonString()));
        Assert.Equal("execution_interrupted", (string?)entry["status"]!["messages"]![2]![0]);
    }

    [Fact]
    public async Task Queue_operations_keep_heap_order_and_broadcast_status_as_captured()
    {
        using var http = _sim.CreateClient();
        await using var d = await SimSocket.ConnectAsync(_sim);
        await using var b = await SimSocket.ConnectAsync(_sim);
        var running = await QueueAsync(http, Flux(d.ClientId, seed: 31, steps: 3000));
        await d.WaitForAsync(m => m.Type == "execution_start", TimeSpan.FromSeconds(10));
        var add0 = await QueueAsync(http, Flux(d.ClientId, seed: 40));
        var front = Flux(d.ClientId, seed: 41);
        front["front"] = true;
        var (_, frontText) = await PostAsync(http, "/prompt", front);
        var add1 = JsonNode.Parse(frontText)!["prompt_id"]!.GetValue<string>();
        Assert.True((long)JsonNode.Parse(frontText)!["number"]! < 0);
        var numbered = Flux(d.ClientId, seed: 42);
        numbered["number"] = -100;
        var (_, numberedText) = await PostAsync(http, "/prompt", numbered);
        Assert.Contains("\"number\":-100.0", numberedText, StringComparison.Ordinal);
        var add2 = JsonNode.Parse(numberedText)!["prompt_id"]!.GetValue<string>();
        var add3 = await QueueAsync(http, Flux(d.ClientId, seed: 43));

        // queue_pending is the heap's internal order: -100.0, 32, -33, 34 in the capture.
        var queue = await GetJsonAsync(http, "/queue");
        JsonShape.AssertSameShape(Captures.Body("http:queue_4_pending"), queue);
        Assert.Equal([add2, add0, add1, add3], queue["queue_pending"]!.AsArray().Select(i => i![1]!.GetValue<string>()));
        Assert.Equal(running, (string?)queue["queue_running"]![0]![1]);
        var pendingText = await http.GetStringAsync("/queue");
        Assert.Contains("\"queue_pending\":[[-100.0,", pendingText, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/queue", new JsonObject { ["delete"] = new JsonArray(add0) })).Status);
        Assert.Equal(4, (int)(await GetJsonAsync(http, "/prompt"))["exec_info"]!["queue_remaining"]!);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/queue", new JsonObject { ["clear"] = true })).Status);
        var afterClear = await GetJsonAsync(http, "/queue");
        JsonShape.AssertSameShape(Captures.Body("http:queue_after_clear"), afterClear);
        Assert.Empty(afterClear["queue_pending"]!.AsArray());

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/interrupt", new JsonObject { ["prompt_id"] = running })).Status);
        await d.WaitForDoneAsync(running);
        await b.WaitForAsync(m => m.Type == "status" && (int)m.Data["status"]!["exec_info"]!["queue_remaining"]! == 0, TimeSpan.FromSeconds(10));

        var capturedStatuses = Captures.Get("ws:queue_ops")["B"]!["messages"]!.AsArray()
            .Select(m => (int)m!["json"]!["data"]!["status"]!["exec_info"]!["queue_remaining"]!);
        Assert.Equal(capturedStatuses, b.Messages.Select(m => (int)m.Data["status"]!["exec_info"]!["queue_remaining"]!));
        Assert.All(b.Messages, m => Assert.Equal("status", m.Type));
        Assert.Contains("execution_interrupted", d.Tokens);
        foreach (var deleted in new[] { add0, add1, add2, add3 })
        {
            Assert.Equal("{}", await http.GetStringAsync($"/history/{deleted}"));
        }
    }

    [Fact]
    public async Task An_old_socket_closing_after_a_reconnect_silences_the_new_one_as_in_ComfyUI()
    {
        using var http = _sim.CreateClient();
        var clientId = Guid.NewGuid().ToString("N");
        var old = await SimSocket.ConnectAsync(_sim, clientId);
        await using var replacement = await SimSocket.ConnectAsync(_sim, clientId);
        await old.CloseAsync(); // returns once the server's close frame came, which it sends after unregistering the sid
        await old.DisposeAsync();

        var id = await QueueAsync(http, Flux(clientId, seed: 77, steps: 2));
        await Eventually.TryUntilAsync(async () => await http.GetStringAsync($"/history/{id}") != "{}", TimeSpan.FromSeconds(20));

        Assert.NotEqual("{}", await http.GetStringAsync($"/history/{id}"));
        // The history entry and the run's last status broadcast are written together; the socket's first text message is
        // answered through the same ordered outbox as broadcasts, so once the answer is in, no broadcast can still follow.
        await replacement.SendTextAsync("""{"type": "feature_flags", "data": {}}""");
        await replacement.WaitForAsync(m => m.Type == "feature_flags", TimeSpan.FromSeconds(10));
        Assert.Equal(["feature_flags"], replacement.Tokens); // unregistered: not even the status broadcasts arrive
        Assert.False(replacement.Closed); // …yet the socket was never closed
    }

    private static async Task<JsonObject> ReceiveJsonAsync(System.Net.WebSockets.ClientWebSocket socket)
    {
        var buffer = new byte[1 << 16];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cts.Token);
            if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Text)
            {
                return JsonNode.Parse(buffer.AsSpan(0, result.Count))!.AsObject();
            }
        }
    }
}
