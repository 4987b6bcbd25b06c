using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Execution;
using FluxAspire.ComfySim.History;
using FluxAspire.ComfySim.Queue;
using FluxAspire.ComfySim.WebSockets;

namespace FluxAspire.Tests.ComfySim.Execution;

/// <summary>Pure logic ported from ComfyUI: node order, heap order, Python number and JSON formatting.</summary>
public class ExecutionOrderAndFormatTests
{
    private static JsonObject FluxGraph() => Captures.Request("http:run1_cold:post")["prompt"]!.AsObject();

    private static List<string> Order(JsonObject graph, ISet<string> cached, string output = "9")
    {
        var list = new ExecutionList(graph, cached.Contains, id => graph[id]!["class_type"]!.GetValue<string>() is "SaveImage" or "PreviewImage");
        list.AddNode(output);
        var order = new List<string>();
        while (!list.IsEmpty)
        {
            var next = list.Stage(out _)!;
            order.Add(next);
            list.Complete(next);
        }

        return order;
    }

    [Fact]
    public void The_FLUX_graph_runs_in_ComfyUIs_order() =>
        Assert.Equal(["30", "27", "33", "6", "35", "31", "8", "9"], Order(FluxGraph(), new HashSet<string>()));

    [Fact]
    public void Cached_ancestors_are_skipped() =>
        Assert.Equal(["31", "8", "9"], Order(FluxGraph(), new HashSet<string> { "6", "27", "30", "33", "35" }));

    [Fact]
    public void Any_graph_gets_a_topological_order()
    {
        var graph = JsonNode.Parse("""
            {"a": {"class_type": "X", "inputs": {"x": ["b", 0], "y": ["c", 0]}},
             "b": {"class_type": "X", "inputs": {"x": ["c", 0]}},
             "c": {"class_type": "X", "inputs": {"v": 1}},
             "out": {"class_type": "PreviewImage", "inputs": {"images": ["a", 0]}}}
            """)!.AsObject();
        Assert.Equal(["c", "b", "a", "out"], Order(graph, new HashSet<string>(), "out"));
    }

    [Fact]
    public void A_cycle_is_reported_instead_of_looping()
    {
        var graph = JsonNode.Parse("""
            {"a": {"class_type": "X", "inputs": {"x": ["b", 0]}}, "b": {"class_type": "X", "inputs": {"x": ["a", 0]}},
             "out": {"class_type": "PreviewImage", "inputs": {"images": ["a", 0]}}}
            """)!.AsObject();
        var list = new ExecutionList(graph, _ => false, id => id == "out");
        list.AddNode("out");
        Assert.Null(list.Stage(out var cycle));
        // As ComfyUI's get_nodes_in_cycle: only unblocked roots dissolve, so the output blocked by the cycle stays (and is blamed first).
        Assert.Equal(["out", "a", "b"], cycle);
    }

    [Fact]
    public void Pending_prompts_are_listed_in_heap_order_as_captured()
    {
        // The capture queued 32, -33 (front), -100.0 (number) and 34, and GET /queue listed -100.0, 32, -33, 34.
        var queue = new PromptQueue(new WebSocketHub(), new PromptHistory());
        QueueItem Item(double number, string text, string id) => new(number, text, id, [], [], ["9"]);
        queue.Put(Item(32, "32", "ff95"));
        queue.Put(Item(-33, "-33", "53b1"));
        queue.Put(Item(-100, "-100.0", "2a17"));
        queue.Put(Item(34, "34", "8bae"));
        Assert.Equal(["2a17", "ff95", "53b1", "8bae"], queue.Snapshot().Pending.Select(i => i.PromptId));
        Assert.Equal(4, queue.QueueRemaining);
    }

    [Fact]
    public void History_keeps_at_most_10001_entries_dropping_the_oldest_like_ComfyUI()
    {
        var history = new PromptHistory();
        for (var i = 0; i < PromptHistory.MaximumSize + 5; i++)
        {
            history.Add(new QueueItem(i, $"{i}", $"id-{i}", [], [], ["9"]), [], [], []);
        }

        // ComfyUI drops the oldest only when more than 10 000 are stored before adding, so it settles at 10 001.
        Assert.Equal(PromptHistory.MaximumSize + 1, history.Count);
        Assert.Equal("{}", history.GetOne("id-3"));
        Assert.StartsWith("{\"id-4\":{\"prompt\":[4,\"id-4\",{},{},[\"9\"]],\"outputs\":{},\"status\":{},\"meta\":{}}", history.GetMany(1, 0), StringComparison.Ordinal);
        Assert.Equal("{}", history.GetMany(0, -1));
    }

    [Theory]
    [InlineData(5.0, "5.0")]
    [InlineData(-100.0, "-100.0")]
    [InlineData(0.5, "0.5")]
    [InlineData(1e16, "1e+16")]
    [InlineData(123456789012345.6, "123456789012345.6")]
    [InlineData(1.5e-5, "1.5e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void Floats_are_written_as_Pythons_repr(double value, string expected) =>
        Assert.Equal(expected, PythonText.FloatRepr(value));

    [Fact]
    public void Png_text_chunks_use_Pythons_json_dumps_format() =>
        Assert.Equal("""{"6": {"inputs": {"text": "caf\u00e9", "clip": ["30", 1]}, "cfg": 1.0}}""",
            PythonText.JsonDumps(JsonNode.Parse("""{"6":{"inputs":{"text":"café","clip":["30",1]},"cfg":1.0}}""")));

    [Fact]
    public void Current_inputs_objects_use_Pythons_str() =>
        Assert.Equal("{'a': [1, True, None, \"it's\"]}", PythonText.Repr(JsonNode.Parse("""{"a":[1,true,null,"it's"]}""")));

    [Fact]
    public void The_captured_png_prompt_chunk_matches_json_dumps_of_the_graph()
    {
        var captured = Captures.Get("png_chunks")["text"]!["prompt"]!.GetValue<string>();
        var dumped = PythonText.JsonDumps(FluxGraph());
        Assert.StartsWith(captured.TrimEnd('…'), dumped, StringComparison.Ordinal);
    }
}
