using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Tests.Api;

/// <summary>Our client's reading of real ComfyUI 0.3.64 traffic (probe.json).</summary>
public class ComfyParsingTests
{
    private static List<ComfyMessage> Messages(string kind) =>
        Captures.Get(kind)["messages"]!.AsArray()
            .Select(m => m!["json"])
            .OfType<JsonObject>()
            .Select(json => ComfyMessage.TryParse(json.ToJsonString(), DateTimeOffset.FromUnixTimeMilliseconds(1_795_661_970_000)))
            .OfType<ComfyMessage>()
            .ToList();

    [Fact]
    public void A_cold_run_ends_with_executing_null_and_gives_the_timeline()
    {
        var messages = Messages("ws:run1_cold");
        const string id = "6b15f99f-bb7e-4a3d-874e-f7bbc6094994";

        Assert.Equal("status", messages[0].Type);
        Assert.Null(messages[0].PromptId);
        var last = messages[^1];
        Assert.True(last.IsPromptFinished);
        Assert.Equal(id, last.PromptId);
        Assert.Equal(["execution_success", "executing"], messages.Where(m => m.IsTerminal).Select(m => m.Type));

        var timeline = new ComfyExecutionTimeline();
        messages.Where(m => m.PromptId == id).ToList().ForEach(timeline.Observe);
        Assert.Equal(1795661968576, timeline.Start);
        Assert.Equal(1795661971792, timeline.End);
        Assert.Equal(["30", "27", "33", "6", "35", "31", "8", "9"], timeline.NodeStarts.Keys);
    }

    [Fact]
    public void Progress_and_executed_carry_node_ids_as_strings()
    {
        var messages = Messages("ws:run1_cold");

        var progress = messages.First(m => m.Type == "progress");
        Assert.Equal("31", progress.Node);
        var executed = messages.Single(m => m.Type == "executed");
        Assert.Equal("9", executed.Node);
        Assert.False(executed.IsTerminal);
    }

    [Fact]
    public void The_reconnect_executing_message_without_prompt_id_is_not_an_end()
    {
        var reconnect = Captures.Get("reconnect_same_client_first_msgs")["msgs"]!.AsArray()
            .Select(m => ComfyMessage.TryParse(m!["json"]!.ToJsonString(), DateTimeOffset.UnixEpoch)!)
            .ToList();

        Assert.Equal("executing", reconnect[1].Type);
        Assert.Null(reconnect[1].PromptId);
        Assert.False(reconnect[1].IsPromptFinished);
        Assert.False(reconnect[1].IsTerminal);
    }

    [Fact]
    public void Execution_error_with_NaN_and_Infinity_in_current_inputs_still_parses()
    {
        const string text = """{"type": "execution_error", "data": {"prompt_id": "p1", "node_id": "31", "node_type": "KSampler", "executed": [], "exception_message": "NaN in \"Infinity\"\n", "exception_type": "RuntimeError", "traceback": [], "current_inputs": {"cfg": [NaN], "denoise": [Infinity, -Infinity]}, "current_outputs": ["31"], "timestamp": 1795661991468}}""";

        var message = ComfyMessage.TryParse(text, DateTimeOffset.UnixEpoch);

        Assert.NotNull(message);
        Assert.True(message.IsTerminal);
        Assert.Equal("p1", message.PromptId);
        Assert.Equal("NaN in \"Infinity\"\n", (string?)message.Data["exception_message"]);
        Assert.Equal("""{"cfg":["NaN"],"denoise":["Infinity","-Infinity"]}""", message.Data["current_inputs"]!.ToJsonString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"data": {}}""")]
    [InlineData("""{"type": 5}""")]
    public void Frames_that_are_not_messages_are_ignored(string text) => Assert.Null(ComfyMessage.TryParse(text, DateTimeOffset.UnixEpoch));

    [Fact]
    public void Unknown_message_types_parse_and_are_not_terminal()
    {
        var message = ComfyMessage.TryParse("""{"type": "something_new", "data": {"prompt_id": "x", "extra": 1.5}}""", DateTimeOffset.UnixEpoch);

        Assert.Equal("something_new", message!.Type);
        Assert.False(message.IsTerminal);
    }

    [Fact]
    public void A_successful_history_entry_lists_its_output_files()
    {
        var body = Captures.Body("http:history_run1")!.AsObject();
        var entry = ComfyHistoryEntry.Parse(body["6b15f99f-bb7e-4a3d-874e-f7bbc6094994"]!.AsObject());

        Assert.True(entry.Succeeded);
        Assert.True(entry.Completed);
        Assert.Equal([new ComfyFileRef("9", "ComfyUI_00001_.png", "", "output")], entry.Files);
        var timeline = new ComfyExecutionTimeline();
        timeline.Observe(entry);
        Assert.Equal(1795661968576, timeline.Start);
        Assert.Equal(1795661971792, timeline.End);
    }

    [Fact]
    public void A_failed_history_entry_carries_the_execution_error()
    {
        var entry = ComfyHistoryEntry.Parse(Captures.Body("http:history_runtime_error")!["066bf037-f19b-47e1-b499-8ed2c8ca1305"]!.AsObject());

        Assert.False(entry.Succeeded);
        Assert.Empty(entry.Files);
        var error = entry.Message("execution_error")!;
        var exception = new ComfyExecutionException(error);
        Assert.Equal("LoadImage (node 1) failed: PIL.UnidentifiedImageError: cannot identify image file '<work>/input/bad.png'", exception.Message);
    }

    [Fact]
    public void An_interrupted_history_entry_names_the_node()
    {
        var entry = ComfyHistoryEntry.Parse(Captures.Body("http:history_interrupted")!["32b2c0af-7832-4dc0-a6a6-c70b62051d79"]!.AsObject());

        Assert.Equal("error", entry.Status);
        Assert.Equal("31", (string?)entry.Message("execution_interrupted")!["node_id"]);
    }

    [Fact]
    public void Queue_snapshot_finds_running_and_pending_ids()
    {
        var body = Captures.Body("http:queue_4_pending")!.AsObject();
        var snapshot = ComfyQueueSnapshot.Parse(body);

        Assert.Equal(["d19fcb03-8ff0-4973-ad5a-9fa1ad2e4a7f"], snapshot.Running);
        Assert.Equal(4, snapshot.Pending.Count);
        Assert.True(snapshot.Contains(snapshot.Pending[2]));
        Assert.False(snapshot.Contains("unknown"));
    }

    [Fact]
    public void Catalog_reads_samplers_schedulers_and_checkpoints_from_object_info()
    {
        var sampler = Captures.Body("http:object_info/KSampler")!["KSampler"]!.AsObject();
        var loader = Captures.Body("http:object_info/CheckpointLoaderSimple")!["CheckpointLoaderSimple"]!.AsObject();

        var samplers = ComfyCatalog.ComboOptions(sampler, "sampler_name");
        Assert.Equal(42, samplers.Count);
        Assert.Equal("euler", samplers[0]);
        Assert.Equal(["simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal", "linear_quadratic", "kl_optimal"],
            ComfyCatalog.ComboOptions(sampler, "scheduler"));
        Assert.Equal(["flux1-dev-fp8.safetensors"], ComfyCatalog.ComboOptions(loader, "ckpt_name"));
    }

    [Fact]
    public void Catalog_reads_v3_combo_options_too()
    {
        var node = JsonNode.Parse("""{"input": {"required": {"mode": ["COMBO", {"options": ["a", "b"]}]}}}""")!.AsObject();

        Assert.Equal(["a", "b"], ComfyCatalog.ComboOptions(node, "mode"));
        Assert.Empty(ComfyCatalog.ComboOptions(node, "absent"));
    }

    [Fact]
    public void Seeds_up_to_2_pow_64_minus_1_survive_object_info_parsing()
    {
        var sampler = ComfyJson.ParseObject(Captures.Body("http:object_info/KSampler")!.ToJsonString());

        Assert.Equal("18446744073709551615", sampler["KSampler"]!["input"]!["required"]!["seed"]![1]!["max"]!.ToJsonString());
        Assert.Equal(ulong.MaxValue, sampler["KSampler"]!["input"]!["required"]!["seed"]![1]!["max"]!.GetValue<ulong>());
    }

    [Fact]
    public void Float_and_int_numbers_are_read_alike()
    {
        Assert.Equal(5L, ComfyValues.AsInt64(JsonNode.Parse("5.0")));
        Assert.Equal(-3L, ComfyValues.AsInt64(JsonNode.Parse("-3")));
        Assert.Equal("31", ComfyValues.AsString(JsonNode.Parse("31")));
    }
}
