using System.Buffers.Binary;
using System.Text.Json.Nodes;
using SkiaSharp;
using static FluxAspire.Tests.ComfySim.Execution.SimRequests;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>
/// Whole runs over a real socket, compared with the captured ComfyUI traffic: the message order (types and node ids),
/// the counts, and each message's JSON shape. Previews on (latent2rgb), 20 ms steps.
/// </summary>
public sealed class RunMessageSequenceTests(PreviewSimulatorFixture fixture) : IClassFixture<PreviewSimulatorFixture>
{
    private static readonly string[] AllFluxNodes = ["30", "27", "33", "6", "35", "31", "8", "9"];
    private readonly SimulatorProcess _sim = fixture.Sim;

    [Fact]
    public async Task Cold_then_fully_cached_then_new_seed_runs_match_the_captures()
    {
        using var http = _sim.CreateClient();
        await using var a = await SimSocket.ConnectAsync(_sim);
        await using var c = await SimSocket.ConnectAsync(_sim, negotiatePreviewMetadata: true);
        await FreeMemoryAsync(http);

        // Cold run (run1_cold): every node runs, legacy previews (event 1) for a client that did not negotiate.
        var coldText = "cold " + Guid.NewGuid();
        var coldRequest = Flux(a.ClientId, text: coldText, extraPngInfo: true);
        var cold = await QueueAsync(http, coldRequest.DeepClone());
        await a.WaitForDoneAsync(cold);
        var expected = FluxRun(AllFluxNodes, 4, previews: true, negotiated: false);
        var captured = Captures.Get("ws:run1_cold");
        AssertSubsequence(CapturedTokens(captured["messages"]!), expected);
        Assert.Equal(CapturedCounts(captured["counts"]!), Counts(expected));
        Assert.Equal(expected, a.Tokens);
        AssertShapesMatch(captured["messages"]!, a.Messages);
        foreach (var preview in a.Messages.Where(m => m.Type == "binary"))
        {
            Assert.Equal([0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0xd8], preview.Binary![..10]);
        }

        // progress_state values: floats 0.0/1.0 when a node starts and finishes, integers during sampler steps.
        var states = a.Messages.Where(m => m.Type == "progress_state").Select(m => m.Json!.ToJsonString()).ToList();
        Assert.Contains("\"30\":{\"value\":0.0,\"max\":1.0,\"state\":\"running\"", states[0], StringComparison.Ordinal);
        Assert.Contains("\"30\":{\"value\":1.0,\"max\":1.0,\"state\":\"finished\"", states[1], StringComparison.Ordinal);
        Assert.Contains("\"31\":{\"value\":1,\"max\":4,\"state\":\"running\"", states[11], StringComparison.Ordinal);
        Assert.Contains("\"31\":{\"value\":4,\"max\":4,\"state\":\"finished\"", states[15], StringComparison.Ordinal);
        Assert.Equal(["30", "27", "33", "6", "35", "31"], a.Messages.Where(m => m.Type == "progress_state").ElementAt(15).Data["nodes"]!.AsObject().Select(p => p.Key));

        var firstOutput = a.Messages.Single(m => m.Type == "executed").Data["output"]!;
        var files = Directory.GetFiles(_sim.OutputDirectory).Length;

        // Fully cached run (run2_cached): executed re-sent with the same file, no executing for node 9, no new file.
        a.Clear();
        var cachedRequest = coldRequest.DeepClone().AsObject();
        cachedRequest.Remove("extra_data"); // as in run2_cached; extra_data is not part of any cache key
        var cached = await QueueAsync(http, cachedRequest);
        await a.WaitForDoneAsync(cached);
        var capturedCached = Captures.Get("ws:run2_cached");
        Assert.Equal(CapturedTokens(capturedCached["messages"]!), a.Tokens);
        AssertShapesMatch(capturedCached["messages"]!, a.Messages);
        Assert.Equal(["6", "8", "9", "27", "30", "31", "33", "35"], Nodes(a.Messages.Single(m => m.Type == "execution_cached")));
        Assert.Equal(Captures.Get("ws:run2_cached")["messages"]!.AsArray().Select(m => m!["json"]!).Single(j => (string?)j["type"] == "progress_state")["data"]!["nodes"]!.ToJsonString().Replace("807e7487-4832-4e44-bcbc-30bb25de9a67", cached, StringComparison.Ordinal),
            a.Messages.Single(m => m.Type == "progress_state").Data["nodes"]!.ToJsonString()); // value/max 1 (ints) for a re-emitted output
        Assert.True(JsonNode.DeepEquals(firstOutput, a.Messages.Single(m => m.Type == "executed").Data["output"]));
        Assert.Equal(files, Directory.GetFiles(_sim.OutputDirectory).Length);
        var history = await GetJsonAsync(http, $"/history/{cached}");
        JsonShape.AssertSameShape(Captures.Body("http:history_run2_cached")!.AsObject().First().Value, history[cached]);
        Assert.True(JsonNode.DeepEquals(firstOutput, history[cached]!["outputs"]!["9"]));

        // New seed, negotiated client (run3_ffclient): loader and text nodes cached, previews as event 4 with metadata.
        // Socket c saw both runs only through their status broadcasts (3 each); those can reach it after a's
        // executing-null, so wait for all six before clearing, or a late one would open c's next sequence.
        await Eventually.TryUntilAsync(() => c.Messages.Count(m => m.Type == "status") >= 6, TimeSpan.FromSeconds(10));
        Assert.Equal(6, c.Messages.Count(m => m.Type == "status"));
        a.Clear();
        c.Clear();
        var partly = await QueueAsync(http, Flux(c.ClientId, seed: 4242, text: coldText));
        await c.WaitForDoneAsync(partly);
        var expectedPartly = FluxRun(["31", "8", "9"], 4, previews: true, negotiated: true);
        var capturedPartly = Captures.Get("ws:run3_ffclient");
        AssertSubsequence(CapturedTokens(capturedPartly["messages"]!), expectedPartly);
        Assert.Equal(CapturedCounts(capturedPartly["counts"]!), Counts(expectedPartly));
        Assert.Equal(expectedPartly, c.Tokens);
        AssertShapesMatch(capturedPartly["messages"]!, c.Messages);
        Assert.Equal(["6", "27", "30", "33", "35"], Nodes(c.Messages.Single(m => m.Type == "execution_cached")));
        var capturedMetadata = capturedPartly["messages"]!.AsArray().First(m => m!["metadata"] is not null)!["metadata"]!;
        foreach (var preview in c.Messages.Where(m => m.Type == "binary"))
        {
            Assert.Equal(4u, preview.BinaryEvent);
            var metadata = preview.BinaryMetadata;
            Assert.Equal(capturedPartly["messages"]!.AsArray().First(m => m!["metadata"] is not null)!["metadata_len"]!.GetValue<uint>(),
                BinaryPrimitives.ReadUInt32BigEndian(preview.Binary.AsSpan(4))); // json.dumps separators, as ComfyUI
            JsonShape.AssertSameShape(capturedMetadata, metadata);
            Assert.Equal(("31", partly, "31", "31", "image/jpeg"), ((string?)metadata["node_id"], (string?)metadata["prompt_id"],
                (string?)metadata["display_node_id"], (string?)metadata["real_node_id"], (string?)metadata["image_type"]));
            Assert.Null(metadata["parent_node_id"]);
        }

        Assert.DoesNotContain(a.Messages, m => m.Type is "execution_start" or "progress" or "binary" && (string?)m.Json?["data"]?["prompt_id"] == partly);
    }

    [Fact]
    public async Task A_prompt_without_client_id_broadcasts_only_status_progress_and_previews()
    {
        using var http = _sim.CreateClient();
        await using var a = await SimSocket.ConnectAsync(_sim);
        await using var b = await SimSocket.ConnectAsync(_sim);
        var warm = await QueueAsync(http, Flux(a.ClientId, seed: 1));
        await a.WaitForDoneAsync(warm);
        await b.WaitForAsync(m => m.Type == "status" && m.Data["status"]!["exec_info"]!["queue_remaining"]!.GetValue<int>() == 0, TimeSpan.FromSeconds(10));
        a.Clear();
        b.Clear();

        var request = Flux(null, seed: 2);
        request["prompt_id"] = "my-custom-id-" + Guid.NewGuid().ToString("N");
        request["number"] = 5;
        var (_, text) = await PostAsync(http, "/prompt", request);
        Assert.Contains("\"number\":5.0", text, StringComparison.Ordinal);
        var id = request["prompt_id"]!.GetValue<string>();
        Assert.Equal(id, JsonNode.Parse(text)!["prompt_id"]!.GetValue<string>());

        foreach (var socket in new[] { a, b })
        {
            await socket.WaitForAsync(m => m.Type == "status" && m.Data["status"]!["exec_info"]!["queue_remaining"]!.GetValue<int>() == 0, TimeSpan.FromSeconds(20));
        }

        List<string> expected = ["status", "status", "progress_state"];
        for (var i = 0; i < 4; i++) expected.AddRange(["progress_state", "progress", "bin:1"]);
        expected.AddRange(["progress_state", "progress_state", "progress_state", "progress_state", "progress_state", "status"]);
        var captured = Captures.Get("broadcast_without_client_id");
        foreach (var (name, socket) in new[] { ("A", a), ("B", b) })
        {
            AssertSubsequence(CapturedTokens(captured[name]!["messages"]!), expected);
            Assert.Equal(CapturedCounts(captured[name]!["counts"]!), Counts(expected));
            Assert.Equal(expected, socket.Tokens);
            AssertShapesMatch(captured[name]!["messages"]!, socket.Messages);
        }

        var history = await http.GetStringAsync($"/history/{id}");
        Assert.StartsWith($"{{\"{id}\":{{\"prompt\":[5.0,", history, StringComparison.Ordinal);
        var entry = JsonNode.Parse(history)![id]!;
        JsonShape.AssertSameShape(Captures.Body("http:history_custom_id")!["my-custom-id-0001"], entry);
        Assert.Equal("{}", entry["prompt"]![3]!.ToJsonString());
    }

    [Fact]
    public async Task LoadImage_of_a_file_that_is_not_an_image_reports_execution_error_as_captured()
    {
        using var http = _sim.CreateClient();
        await using var a = await SimSocket.ConnectAsync(_sim);
        await File.WriteAllTextAsync(Path.Combine(_sim.InputDirectory, "bad.png"), "this is not an image");
        var request = Captures.Request("http:run_runtime_error:post");
        request["client_id"] = a.ClientId;
        var id = await QueueAsync(http, request);
        await a.WaitForDoneAsync(id);

        var captured = Captures.Get("ws:run_runtime_error");
        Assert.Equal(CapturedTokens(captured["messages"]!), a.Tokens);
        Assert.Equal(CapturedCounts(captured["counts"]!), Counts(a.Tokens));
        AssertShapesMatch(OneTracebackFrame(captured["messages"]!)!, [.. a.Messages.Select(m => m with { Json = OneTracebackFrame(m.Json)?.AsObject() })]);
        var error = a.Messages.Single(m => m.Type == "execution_error").Data;
        Assert.Equal("PIL.UnidentifiedImageError", (string?)error["exception_type"]);
        Assert.StartsWith("cannot identify image file '", (string?)error["exception_message"]);
        Assert.EndsWith("bad.png'\n", (string?)error["exception_message"]);
        Assert.Equal("""{"image":["bad.png"]}""", error["current_inputs"]!.ToJsonString());
        Assert.Equal("""["1","2"]""", error["current_outputs"]!.ToJsonString());
        Assert.Equal("[]", error["executed"]!.ToJsonString());
        Assert.Equal(("1", "LoadImage"), ((string?)error["node_id"], (string?)error["node_type"]));

        var entry = (await GetJsonAsync(http, $"/history/{id}"))[id]!;
        JsonShape.AssertSameShape(OneTracebackFrame(Captures.Body("http:history_runtime_error")!.AsObject().First().Value), OneTracebackFrame(entry));
        Assert.Equal(("error", false), ((string?)entry["status"]!["status_str"], (bool)entry["status"]!["completed"]!));
        Assert.Equal("{}", entry["outputs"]!.ToJsonString());
        Assert.Equal("{}", entry["meta"]!.ToJsonString());
        Assert.Equal(["execution_start", "execution_cached", "execution_error"],
            entry["status"]!["messages"]!.AsArray().Select(m => m![0]!.GetValue<string>()));
    }

    [Fact]
    public async Task PreviewImage_of_a_loaded_image_writes_to_temp_as_captured()
    {
        using var http = _sim.CreateClient();
        await using var a = await SimSocket.ConnectAsync(_sim);
        using (var bitmap = new SKBitmap(64, 48))
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100))
        {
            await File.WriteAllBytesAsync(Path.Combine(_sim.InputDirectory, "probe.png"), data.ToArray());
        }

        var request = Captures.Request("http:run_preview_image:post");
        request["client_id"] = a.ClientId;
        var id = await QueueAsync(http, request);
        await a.WaitForDoneAsync(id);

        var captured = Captures.Get("ws:run_preview_image");
        List<string> expected = ["status", "status", "execution_start", "execution_cached",
            "progress_state", "executing:1", "progress_state", "progress_state", "executing:2", "executed:2", "progress_state",
            "execution_success", "status", "executing:null"];
        AssertSubsequence(CapturedTokens(captured["messages"]!), expected);
        Assert.Equal(CapturedCounts(captured["counts"]!), Counts(expected));
        Assert.Equal(expected, a.Tokens);
        AssertShapesMatch(captured["messages"]!, a.Messages);
        var image = a.Messages.Single(m => m.Type == "executed").Data["output"]!["images"]![0]!;
        Assert.Equal("temp", (string?)image["type"]);
        Assert.Matches("^ComfyUI_temp_[a-z]{5}_00001_.png$", (string?)image["filename"]);
        Assert.True(File.Exists(Path.Combine(_sim.TempDirectory, (string)image["filename"]!)));
        var entry = (await GetJsonAsync(http, $"/history/{id}"))[id]!;
        JsonShape.AssertSameShape(Captures.Body("http:history_preview_image")!.AsObject().First().Value, entry);
    }

    /// <summary>Tracebacks have ComfyUI's own frames (7 for LoadImage); shapes are compared on one frame.</summary>
    private static JsonNode? OneTracebackFrame(JsonNode? node)
    {
        var copy = node?.DeepClone();
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    if (o["traceback"] is JsonArray { Count: > 1 } frames)
                    {
                        o["traceback"] = new JsonArray(frames[0]!.DeepClone());
                    }

                    foreach (var (_, v) in o) Walk(v);
                    break;
                case JsonArray a:
                    foreach (var v in a) Walk(v);
                    break;
            }
        }

        Walk(copy);
        return copy;
    }

    private static IEnumerable<string> Nodes(SimMessage cached) => cached.Data["nodes"]!.AsArray().Select(n => n!.GetValue<string>());

    /// <summary>Every received message has the JSON shape of the first captured message with the same type (and node kind).</summary>
    internal static void AssertShapesMatch(JsonNode capturedMessages, IReadOnlyList<SimMessage> actual, JsonShape.Options? options = null)
    {
        var captured = capturedMessages.AsArray().Select(m => m!["json"]).OfType<JsonObject>().ToList();
        foreach (var message in actual.Where(m => m.Json is not null))
        {
            var sameType = captured.Where(c => (string?)c["type"] == message.Type).ToList();
            if (message.Type == "progress_state")
            {
                // Snapshots grow node by node: compare one node entry with a captured one.
                var capturedNode = sameType.First()["data"]!["nodes"]!.AsObject().First().Value;
                foreach (var (_, node) in message.Data["nodes"]!.AsObject())
                {
                    JsonShape.AssertSameShape(capturedNode, node);
                }

                Assert.Equal(["prompt_id", "nodes"], message.Data.Select(p => p.Key));
                continue;
            }

            if (message.Type == "executing")
            {
                var isNull = message.Data["node"] is null;
                sameType = [.. sameType.Where(c => c["data"]!["node"] is null == isNull)];
            }

            if (sameType.Count == 0) continue; // a type this capture did not keep
            JsonShape.AssertSameShape(sameType[0], message.Json, options);
        }
    }
}
