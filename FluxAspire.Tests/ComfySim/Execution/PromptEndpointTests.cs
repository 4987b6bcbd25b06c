using System.Text;
using System.Text.Json.Nodes;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>POST/GET /prompt, /history and /free semantics on a fast simulator (zero-cost steps).</summary>
public sealed class PromptEndpointTests(FastSimulatorFixture fixture) : IClassFixture<FastSimulatorFixture>
{
    private readonly SimulatorProcess _sim = fixture.Sim;

    [Fact]
    public async Task The_priority_counter_advances_on_every_request_without_number_even_rejected_ones()
    {
        using var http = _sim.CreateClient();
        var first = JsonNode.Parse((await PostAsync(http, "/prompt", Flux(null, seed: 100))).Text)!;
        JsonShape.AssertSameShape(Captures.Body("http:run1_cold:post"), first);
        var n = (long)first["number"]!;

        var noPrompt = await PostAsync(http, "/prompt", new JsonObject());
        Assert.Equal(HttpStatusCode.BadRequest, noPrompt.Status);
        Assert.True(JsonNode.DeepEquals(Captures.Body("http:validate:no_prompt"), JsonNode.Parse(noPrompt.Text)));

        var list = await PostAsync(http, "/prompt", new JsonObject { ["prompt"] = new JsonArray(1, 2) });
        Assert.Equal(HttpStatusCode.InternalServerError, list.Status);
        Assert.Equal((string?)Captures.Body("http:validate:prompt_is_list"), list.Text);

        using (var invalid = await http.PostAsync("/prompt", new StringContent("{not json", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, invalid.StatusCode);
            Assert.Equal("text/plain; charset=utf-8", invalid.Content.Headers.ContentType!.ToString());
            Assert.Equal((string?)Captures.Body("http:validate:invalid_json"), await invalid.Content.ReadAsStringAsync());
        }

        var broken = Flux(null, seed: 101);
        broken["prompt"]!["31"]!["inputs"]!["steps"] = 0;
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(http, "/prompt", broken)).Status);

        // no_prompt, prompt_is_list and the invalid prompt each took a number; the malformed body did not reach the counter.
        var next = JsonNode.Parse((await PostAsync(http, "/prompt", Flux(null, seed: 102))).Text)!;
        Assert.Equal(n + 4, (long)next["number"]!);

        var front = Flux(null, seed: 103);
        front["front"] = true;
        Assert.Equal(-(n + 5), (long)JsonNode.Parse((await PostAsync(http, "/api/prompt", front)).Text)!["number"]!);

        var custom = Flux(null, seed: 104);
        custom["number"] = 5;
        custom["prompt_id"] = "custom-" + Guid.NewGuid();
        var (status, text) = await PostAsync(http, "/prompt", custom);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"{{\"prompt_id\":\"{custom["prompt_id"]}\",\"number\":5.0,\"node_errors\":{{}}}}", text);
        JsonShape.AssertSameShape(Captures.Body("http:post_custom_id_number"), JsonNode.Parse(text));
        Assert.Equal(n + 6, (long)JsonNode.Parse((await PostAsync(http, "/prompt", Flux(null, seed: 105))).Text)!["number"]!);
    }

    [Fact]
    public async Task GET_prompt_queue_and_unknown_history_answer_as_captured()
    {
        using var http = _sim.CreateClient();
        foreach (var path in new[] { "/prompt", "/api/prompt" })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            JsonShape.AssertSameShape(Captures.Body("http:get/prompt"), JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        }

        Assert.Equal("{}", await http.GetStringAsync("/history/unknown-id"));
        Assert.Equal("{}", await http.GetStringAsync("/api/history/unknown-id"));
        JsonShape.AssertSameShape(Captures.Body("http:get/queue"), await GetJsonAsync(http, "/queue"), new JsonShape.Options(SameLength: false));
    }

    [Fact]
    public async Task History_lists_the_last_entries_and_deletes_on_request()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = await QueueAsync(http, Flux(socket.ClientId, seed: 200 + (ulong)i));
            await socket.WaitForDoneAsync(id);
            ids.Add(id);
        }

        var lastTwo = await GetJsonAsync(http, "/history?max_items=2");
        Assert.Equal(ids[1..], lastTwo.Select(p => p.Key));
        Assert.StartsWith("{\"d19fcb03-", (string)Captures.Body("http:history_max2")!, StringComparison.Ordinal); // the capture keeps only its start
        JsonShape.AssertSameShape(Captures.Body("http:history_run3")!.AsObject().First().Value, lastTwo[ids[2]]); // new seed: 5 cached nodes
        var all = await GetJsonAsync(http, "/api/history");
        Assert.Equal(ids, all.Select(p => p.Key).Where(ids.Contains));
        var offset = await GetJsonAsync(http, $"/history?max_items=1&offset={all.Count - 2}");
        Assert.Equal([ids[1]], offset.Select(p => p.Key));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/history", new JsonObject { ["delete"] = new JsonArray(ids[0]) })).Status);
        Assert.Equal((string?)Captures.Body("http:history_deleted")!.ToJsonString(), await http.GetStringAsync($"/history/{ids[0]}"));
        Assert.NotEqual("{}", await http.GetStringAsync($"/history/{ids[1]}"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(http, "/history", new JsonObject { ["clear"] = true })).Status);
        Assert.Equal("{}", await http.GetStringAsync("/history"));
    }

    [Fact]
    public async Task Identical_graph_reuses_the_file_and_free_memory_makes_the_next_run_cold()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        var text = "cache " + Guid.NewGuid();
        var first = await QueueAsync(http, Flux(socket.ClientId, seed: 300, text: text));
        await socket.WaitForDoneAsync(first);
        var files = Directory.GetFiles(_sim.OutputDirectory).Order().ToList();

        socket.Clear();
        var second = await QueueAsync(http, Flux(socket.ClientId, seed: 300, text: text));
        await socket.WaitForDoneAsync(second);
        Assert.Equal(files, Directory.GetFiles(_sim.OutputDirectory).Order());
        Assert.Equal(8, socket.Messages.Single(m => m.Type == "execution_cached").Data["nodes"]!.AsArray().Count);
        var outputs = await Task.WhenAll(new[] { first, second }.Select(async id => (await GetJsonAsync(http, $"/history/{id}"))[id]!["outputs"]!.ToJsonString()));
        Assert.Equal(outputs[0], outputs[1]);

        await FreeMemoryAsync(http);
        socket.Clear();
        var third = await QueueAsync(http, Flux(socket.ClientId, seed: 300, text: text));
        await socket.WaitForDoneAsync(third);
        Assert.Equal("[]", socket.Messages.Single(m => m.Type == "execution_cached").Data["nodes"]!.ToJsonString());
        Assert.Equal(files.Count + 1, Directory.GetFiles(_sim.OutputDirectory).Length);
    }

    [Fact]
    public async Task The_socket_is_served_under_api_too_with_a_generated_sid_when_no_clientId_is_given()
    {
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{_sim.Port}/api/ws"), CancellationToken.None);
        var buffer = new byte[4096];
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
        var greeting = JsonNode.Parse(buffer.AsSpan(0, result.Count))!;
        JsonShape.AssertSameShape(Captures.Get("ws_open")["A"]![0]!["json"], greeting);
        Assert.Matches("^[0-9a-f]{32}$", (string?)greeting["data"]!["sid"]);
        await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task Feature_flags_reply_matches_the_capture()
    {
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        await socket.ConnectAsync(_sim.WebSocketUri(Guid.NewGuid().ToString("N")), CancellationToken.None);
        var buffer = new byte[4096];
        await socket.ReceiveAsync(buffer, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"type": "feature_flags", "data": {"supports_preview_metadata": true}}"""),
            System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
        var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.True(JsonNode.DeepEquals(Captures.Get("ws_open")["C"]![1]!["json"], JsonNode.Parse(buffer.AsSpan(0, result.Count))));
        await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }

    [Fact]
    public async Task Rejected_prompts_send_nothing_on_the_socket_and_are_not_queued()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        var broken = Flux(socket.ClientId);
        broken["prompt"]!["31"]!["inputs"]!["cfg"] = 1000.0;
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(http, "/prompt", broken)).Status);
        // The socket's first text message is answered through the same ordered outbox, after anything the rejected
        // POST had sent it: once the answer is in, nothing else can still be on its way.
        await socket.SendTextAsync("""{"type": "feature_flags", "data": {}}""");
        await socket.WaitForAsync(m => m.Type == "feature_flags", TimeSpan.FromSeconds(10));
        Assert.Equal(["feature_flags"], socket.Tokens);
        Assert.True(JsonNode.DeepEquals(Captures.Body("http:queue_after_validation"), await GetJsonAsync(http, "/queue")));
    }

    [Fact]
    public async Task Only_nodes_needed_by_the_executed_outputs_run()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        await FreeMemoryAsync(http);
        var request = Flux(socket.ClientId, seed: 450);
        var graph = request["prompt"]!.AsObject();
        graph["99"] = JsonNode.Parse("""{"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}}""");
        graph["50"] = JsonNode.Parse("""{"class_type": "PreviewImage", "inputs": {"images": ["8", 0]}}""");
        request["partial_execution_targets"] = new JsonArray("50");
        var id = await QueueAsync(http, request);
        await socket.WaitForDoneAsync(id);

        Assert.Equal(["executing:30", "executing:27", "executing:33", "executing:6", "executing:35", "executing:31", "executing:8", "executing:50", "executing:null"],
            socket.Tokens.Where(t => t.StartsWith("executing:", StringComparison.Ordinal)));
        var entry = (await GetJsonAsync(http, $"/history/{id}"))[id]!;
        Assert.Equal("[\"50\"]", entry["prompt"]![4]!.ToJsonString());
        Assert.Equal(["50"], entry["outputs"]!.AsObject().Select(p => p.Key));
        Assert.Equal("temp", (string?)entry["outputs"]!["50"]!["images"]![0]!["type"]);
    }

    [Fact]
    public async Task Sensitive_extra_data_keys_never_reach_history()
    {
        using var http = _sim.CreateClient();
        await using var socket = await SimSocket.ConnectAsync(_sim);
        var request = Flux(socket.ClientId, seed: 400);
        request["extra_data"] = new JsonObject { ["auth_token_comfy_org"] = "secret", ["api_key_comfy_org"] = "secret", ["keep"] = 1 };
        var id = await QueueAsync(http, request);
        await socket.WaitForDoneAsync(id);
        var extra = (await GetJsonAsync(http, $"/history/{id}"))[id]!["prompt"]![3]!;
        Assert.Equal($"{{\"keep\":1,\"client_id\":\"{socket.ClientId}\"}}", extra.ToJsonString());
    }
}
