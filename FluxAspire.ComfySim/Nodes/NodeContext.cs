using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Images;
using FluxAspire.ComfySim.Schemas;

namespace FluxAspire.ComfySim.Nodes;

/// <summary>What a simulated node sees while it runs: its inputs (constants as JSON, links as <see cref="SimValue"/>).</summary>
public sealed class NodeContext(
    string nodeId,
    string classType,
    NodeSchema? schema,
    IReadOnlyDictionary<string, object?> inputs,
    JsonObject graph,
    JsonObject extraData,
    NodeServices services,
    Func<int, int, SimImage?, ValueTask> step)
{
    public string NodeId { get; } = nodeId;
    public string ClassType { get; } = classType;
    public NodeSchema? Schema { get; } = schema;
    public IReadOnlyDictionary<string, object?> Inputs { get; } = inputs;

    /// <summary>The executed graph (the hidden PROMPT input of SaveImage).</summary>
    public JsonObject Graph { get; } = graph;

    public JsonObject ExtraData { get; } = extraData;
    public NodeServices Services { get; } = services;

    public IReadOnlyList<string> OutputTypes => Schema?.OutputTypes ?? [];

    /// <summary>One sampler step done: checks for an interrupt, waits --step-ms, sends progress (and a preview).</summary>
    public ValueTask StepAsync(int value, int total, SimImage? preview) => step(value, total, preview);

    public T? Value<T>(string name) where T : SimValue => Inputs.TryGetValue(name, out var v) ? v as T : null;

    public IEnumerable<SimValue> LinkedValues => Inputs.Values.OfType<SimValue>();

    /// <summary>A constant input, or the value of a linked INT/FLOAT/STRING/BOOLEAN (e.g. from PrimitiveInt).</summary>
    public JsonNode? Constant(string name) => Inputs.TryGetValue(name, out var v)
        ? v switch
        {
            PrimitiveValue primitive => primitive.Value,
            _ => v as JsonNode,
        }
        : null;

    /// <summary>The linked values in the schema's input order (the graph's order when the class has no schema).</summary>
    public IEnumerable<(string Name, SimValue Value)> LinkedInOrder =>
        (Schema?.Inputs.Select(i => i.Name) ?? Inputs.Keys)
        .Select(name => (Name: name, Value: Inputs.TryGetValue(name, out var v) ? v as SimValue : null))
        .Where(p => p.Value is not null)
        .Select(p => (p.Name, p.Value!));

    public bool? Bool(string name) =>
        Constant(name) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? v.GetValue<bool>() : null;

    public string? String(string name) =>
        Constant(name) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public long? Int(string name) => Number(name) is { } d ? (long)Math.Clamp(Math.Floor(d), long.MinValue, long.MaxValue) : null;

    public double? Number(string name) =>
        Constant(name) is JsonValue v && v.GetValueKind() == JsonValueKind.Number &&
        double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>Seeds go up to 2^64-1, beyond long.</summary>
    public ulong Seed(string name)
    {
        if (Constant(name) is not JsonValue v || v.GetValueKind() != JsonValueKind.Number) return 0;
        var text = v.ToJsonString();
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u)) return u;
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m) && m >= 0 && m <= ulong.MaxValue
            ? (ulong)decimal.Truncate(m)
            : 0;
    }
}

/// <summary>The simulator's singletons that node behaviours use.</summary>
public sealed record NodeServices(
    SimOptions Options,
    Files.OutputWriter OutputWriter,
    Files.InputImages InputImages,
    ModelMemory Models);

/// <param name="Outputs">One value per output slot (null when the slot has nothing).</param>
/// <param name="Ui">The node's UI output (e.g. {"images":[...]}) or null.</param>
public sealed record NodeResult(IReadOnlyList<SimValue?> Outputs, JsonObject? Ui = null);
