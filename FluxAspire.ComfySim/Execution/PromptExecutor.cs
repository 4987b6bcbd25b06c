using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Faults;
using FluxAspire.ComfySim.Images;
using FluxAspire.ComfySim.Nodes;
using FluxAspire.ComfySim.Python;
using FluxAspire.ComfySim.Queue;
using FluxAspire.ComfySim.Schemas;
using FluxAspire.ComfySim.WebSockets;

namespace FluxAspire.ComfySim.Execution;

/// <summary>What a finished prompt leaves for its history entry.</summary>
public sealed record ExecutionOutcome(JsonObject Outputs, JsonObject Status, JsonObject Meta);

/// <summary>
/// ComfyUI's PromptExecutor.execute for one prompt: execution_start, execution_cached, then each node in
/// <see cref="ExecutionList"/> order with progress_state / executing / progress / previews / executed, and finally
/// execution_success, execution_error or execution_interrupted. Messages follow ComfyUI's targeting: to the prompt's
/// client_id, and with no client_id only progress, progress_state, previews and execution_interrupted (broadcast).
/// </summary>
public sealed class PromptExecutor(
    WebSocketHub hub,
    OutputCache cache,
    NodeSchemaCatalog catalog,
    NodeServices services,
    ImageRenderer renderer,
    InterruptSignal interrupt,
    ExecutionState state,
    FaultState faults,
    ILogger<PromptExecutor> logger)
{
    private const string OomTips =
        "This error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number.";

    public async Task<ExecutionOutcome> ExecuteAsync(QueueItem item)
    {
        var run = new Run(item);
        interrupt.Clear();
        state.CurrentClientId = item.ClientId;
        AddMessage(run, "execution_start", new JsonObject { ["prompt_id"] = item.PromptId }, broadcast: false);

        cache.SetPrompt(item.Graph);
        var cachedNodes = new JsonArray();
        foreach (var (nodeId, _) in item.Graph)
        {
            if (cache.IsCached(nodeId)) cachedNodes.Add(nodeId);
        }

        AddMessage(run, "execution_cached", new JsonObject { ["nodes"] = cachedNodes, ["prompt_id"] = item.PromptId }, broadcast: false);

        var list = new ExecutionList(item.Graph, cache.IsCached, IsOutputNode(item.Graph));
        foreach (var output in item.OutputsToExecute)
        {
            list.AddNode(output);
        }

        var success = true;
        while (!list.IsEmpty)
        {
            var nodeId = list.Stage(out var cycle);
            if (nodeId is null)
            {
                var blamed = cycle.Count > 0 ? cycle[0] : item.OutputsToExecute[0];
                ReportError(run, blamed, "Dependency cycle detected", "graph.DependencyCycleError", [], new JsonArray());
                success = false;
                break;
            }

            if (!await ExecuteNodeAsync(run, nodeId))
            {
                success = false;
                break;
            }

            list.Complete(nodeId);
        }

        if (success)
        {
            AddMessage(run, "execution_success", new JsonObject { ["prompt_id"] = item.PromptId }, broadcast: false);
        }

        var outputs = new JsonObject();
        var meta = new JsonObject();
        foreach (var (nodeId, _) in item.Graph)
        {
            if (cache.GetUi(nodeId) is { } ui)
            {
                outputs[nodeId] = ui.Output.DeepClone();
                meta[nodeId] = new JsonObject { ["node_id"] = nodeId, ["display_node"] = nodeId, ["parent_node"] = null, ["real_node_id"] = nodeId };
            }
        }

        state.LastNodeId = null;
        var status = new JsonObject { ["status_str"] = success ? "success" : "error", ["completed"] = success, ["messages"] = run.Messages };
        return new ExecutionOutcome(outputs, status, meta);
    }

    private async Task<bool> ExecuteNodeAsync(Run run, string nodeId)
    {
        var item = run.Item;
        var client = item.ClientId;
        var classType = GraphLinks.ClassType(item.Graph, nodeId);

        if (cache.IsCached(nodeId))
        {
            // A cached node that is still staged is an output: its UI output is sent again, nothing runs.
            if (client is not null)
            {
                hub.SendJson(client, "executed", new JsonObject
                {
                    ["node"] = nodeId, ["display_node"] = nodeId, ["output"] = cache.GetUi(nodeId)?.Output.DeepClone(), ["prompt_id"] = item.PromptId,
                });
            }

            hub.Send(client, run.Progress.Finish(nodeId));
            return true;
        }

        hub.Send(client, run.Progress.Start(nodeId));
        var inputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        NodeResult result;
        try
        {
            // Inside the try: whatever goes wrong with a node, even in the simulator itself, is that node's execution_error.
            var schema = catalog.Find(classType);
            inputs = ResolveInputs(item.Graph, nodeId, schema);
            if (client is not null)
            {
                state.LastNodeId = nodeId;
                hub.SendJson(client, "executing", new JsonObject { ["node"] = nodeId, ["display_node"] = nodeId, ["prompt_id"] = item.PromptId });
            }

            interrupt.ThrowIfRequested();
            await faults.BeforeNodeAsync(nodeId, classType, interrupt);
            var context = new NodeContext(nodeId, classType, schema, inputs, item.Graph, item.ExtraData, services,
                (value, total, preview) => StepAsync(run, nodeId, value, total, preview));
            result = await NodeBehaviours.RunAsync(context);
        }
        catch (InterruptedException)
        {
            logger.LogInformation("Processing interrupted");
            AddMessage(run, "execution_interrupted", new JsonObject
            {
                ["prompt_id"] = item.PromptId, ["node_id"] = nodeId, ["node_type"] = classType, ["executed"] = Executed(run),
            }, broadcast: true);
            return false;
        }
        catch (Exception ex)
        {
            var (type, message) = ex is SimNodeException sim ? (sim.ExceptionType, sim.Message) : ("RuntimeError", ex.Message);
            if (ex is not SimNodeException)
            {
                logger.LogError(ex, "Unexpected simulator failure in node {Node} ({Class})", nodeId, classType);
            }

            var tips = "";
            if (type.EndsWith("OutOfMemoryError", StringComparison.Ordinal))
            {
                tips = OomTips;
                services.Models.UnloadAll(); // ComfyUI unloads every model after an OOM
            }

            logger.LogError("!!! Exception during processing !!! {Message}", message);
            ReportError(run, nodeId, message + "\n" + tips, type, Traceback(classType), FormatInputs(inputs, item, classType));
            return false;
        }

        UiEntry? ui = null;
        if (result.Ui is { Count: > 0 })
        {
            ui = new UiEntry(result.Ui, nodeId);
            if (client is not null)
            {
                hub.SendJson(client, "executed", new JsonObject
                {
                    ["node"] = nodeId, ["display_node"] = nodeId, ["output"] = result.Ui.DeepClone(), ["prompt_id"] = item.PromptId,
                });
            }
        }

        cache.Set(nodeId, result.Outputs, ui);
        hub.Send(client, run.Progress.Finish(nodeId));
        run.Executed.Add(nodeId);
        return true;
    }

    /// <summary>The sampler callback: interrupt check, progress_state (+ event 4 preview), progress (+ event 1 preview).</summary>
    private async ValueTask StepAsync(Run run, string nodeId, int value, int total, SimImage? preview)
    {
        await interrupt.DelayAsync(services.Options.StepMs);
        interrupt.ThrowIfRequested();
        var client = run.Item.ClientId;
        hub.Send(client, run.Progress.Update(nodeId, value, total));
        byte[]? jpeg = preview is null ? null : renderer.RenderPreviewJpeg(preview, value, total, services.Options.PreviewSize);
        var withMetadata = jpeg is not null && hub.SupportsPreviewMetadata(client);
        if (withMetadata)
        {
            hub.Send(client, WsFrame.PreviewWithMetadata(jpeg!, nodeId, run.Item.PromptId));
        }

        hub.SendJson(client, "progress", new JsonObject { ["value"] = value, ["max"] = total, ["prompt_id"] = run.Item.PromptId, ["node"] = nodeId });
        if (jpeg is not null && !withMetadata)
        {
            hub.Send(client, WsFrame.Preview(jpeg));
        }
    }

    private void ReportError(Run run, string nodeId, string message, string type, JsonArray traceback, JsonNode currentInputs)
    {
        var currentOutputs = new JsonArray();
        foreach (var (id, _) in run.Item.Graph) currentOutputs.Add(id);
        AddMessage(run, "execution_error", new JsonObject
        {
            ["prompt_id"] = run.Item.PromptId,
            ["node_id"] = nodeId,
            ["node_type"] = GraphLinks.ClassType(run.Item.Graph, nodeId),
            ["executed"] = Executed(run),
            ["exception_message"] = message,
            ["exception_type"] = type,
            ["traceback"] = traceback,
            ["current_inputs"] = currentInputs,
            ["current_outputs"] = currentOutputs,
        }, broadcast: false);
    }

    /// <summary>add_message: adds a timestamp, records it for history, sends it to the client (or everyone when broadcast).</summary>
    private void AddMessage(Run run, string type, JsonObject data, bool broadcast)
    {
        data["timestamp"] = ComfyJson.NowMilliseconds();
        run.Messages.Add(new JsonArray(type, data));
        if (run.Item.ClientId is not null || broadcast)
        {
            hub.SendJson(run.Item.ClientId, type, data);
        }
    }

    private static JsonArray Executed(Run run) => [.. run.Executed.Select(id => (JsonNode)JsonValue.Create(id)!)];

    private Func<string, bool> IsOutputNode(JsonObject graph)
    {
        var memo = new Dictionary<string, bool>(StringComparer.Ordinal);
        return nodeId =>
        {
            if (!memo.TryGetValue(nodeId, out var isOutput))
            {
                memo[nodeId] = isOutput = catalog.Find(GraphLinks.ClassType(graph, nodeId))?.IsOutputNode == true;
            }

            return isOutput;
        };
    }

    /// <summary>get_input_data: links become the upstream outputs, constants are kept when the schema declares them.</summary>
    private Dictionary<string, object?> ResolveInputs(JsonObject graph, string nodeId, NodeSchema? schema)
    {
        var inputs = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in GraphLinks.Inputs(graph, nodeId))
        {
            if (GraphLinks.TryGetLink(value, out var from, out var slot))
            {
                var upstream = cache.GetOutputs(from);
                inputs[name] = upstream is not null && slot >= 0 && slot < upstream.Count ? upstream[slot] : null;
            }
            else if (schema is null || schema.Inputs.Any(i => i.Name == name))
            {
                inputs[name] = value;
            }
        }

        return inputs;
    }

    /// <summary>current_inputs: name → [value]; objects as Python's str(), plus SaveImage's hidden prompt/extra_pnginfo.</summary>
    private static JsonObject FormatInputs(Dictionary<string, object?> inputs, QueueItem item, string classType)
    {
        var formatted = new JsonObject();
        foreach (var (name, value) in inputs)
        {
            formatted[name] = new JsonArray(value switch
            {
                null => null,
                PrimitiveValue p => p.Value.DeepClone(),
                SimValue v => JsonValue.Create(v.PythonRepr),
                JsonValue v => v.DeepClone(),
                JsonNode n => JsonValue.Create(PythonValues.Repr(n)),
                _ => null,
            });
        }

        if (classType is "SaveImage" or "PreviewImage")
        {
            formatted["prompt"] = new JsonArray(JsonValue.Create(PythonValues.Repr(item.Graph)));
            formatted["extra_pnginfo"] = new JsonArray(item.ExtraData["extra_pnginfo"] is { } info ? JsonValue.Create(PythonValues.Repr(info)) : null);
        }

        return formatted;
    }

    private static JsonArray Traceback(string classType) =>
    [
        "  File \"<comfysim>/execution.py\", line 496, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n",
        "  File \"<comfysim>/execution.py\", line 315, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n",
        $"  File \"<comfysim>/nodes.py\", line 1, in {classType}\n    (simulated node)\n",
    ];

    private sealed class Run(QueueItem item)
    {
        public QueueItem Item { get; } = item;
        public JsonArray Messages { get; } = [];
        public List<string> Executed { get; } = [];
        public ProgressRegistry Progress { get; } = new(item.PromptId);
    }
}
