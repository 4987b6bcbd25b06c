using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery;

namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>
/// Reads one definition: a ComfyUI API-format graph ("name.json") and its parameter map ("name.params.json").
/// Everything is checked here, at start-up, so a served endpoint never meets a broken definition: unknown keys,
/// types, ranges, defaults that break their own rules, and targets that are not nodes of the graph.
/// </summary>
public static class WorkflowDefinitionReader
{
    private static readonly HashSet<string> DefinitionKeys = ["schema_name", "summary", "description", "parameters", "example"];
    private static readonly HashSet<string> ParameterKeys = ["to", "type", "required", "default", "min", "max", "max_length", "description", "enum"];

    public static WorkflowDefinition Read(string route, string paramsFile, string graphFile)
    {
        var graph = ParseObject(graphFile, "the graph");
        JavaScriptKeyOrder.Apply(graph); // node ids in the order the recipe's server writes them
        var map = ParseObject(paramsFile, "the parameter map");
        try
        {
            return Parse(route, map, graph, paramsFile);
        }
        catch (FormatException ex)
        {
            throw new WorkflowDefinitionException(paramsFile, ex.Message);
        }
    }

    /// <summary>Builds a definition from parsed JSON; throws <see cref="FormatException"/> naming the bad key.</summary>
    public static WorkflowDefinition Parse(string route, JsonObject map, JsonObject graph, string source)
    {
        foreach (var (id, node) in graph)
        {
            if (node is not JsonObject { } n || n["class_type"] is not JsonValue || n["inputs"] is not JsonObject)
            {
                throw new FormatException($"graph node '{id}' must be an object with class_type and inputs (ComfyUI's API format, not the UI format)");
            }
        }

        RejectUnknownKeys(map, DefinitionKeys, "");
        if (map["parameters"] is not JsonObject parameters || parameters.Count == 0)
        {
            throw new FormatException("parameters: must be an object of name → {to, type, ...} with at least one parameter");
        }

        var list = parameters.Select(p => ParseParameter(p.Key, p.Value, graph)).ToList();
        var example = map["example"] switch
        {
            null => null,
            JsonObject e => e.DeepClone().AsObject(),
            _ => throw new FormatException("example: must be an object of parameter values"),
        };
        if (example?.Select(p => p.Key).FirstOrDefault(k => !parameters.ContainsKey(k)) is { } unknown)
        {
            throw new FormatException($"example.{unknown}: is not a parameter");
        }

        var schemaName = OptionalString(map, "schema_name") ?? SchemaNameFor(route);
        if (!schemaName.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(schemaName[0]))
        {
            throw new FormatException("schema_name: must be letters and digits, starting with a letter");
        }

        return new WorkflowDefinition(route, schemaName, OptionalString(map, "summary") ?? route,
            OptionalString(map, "description") ?? $"Runs the {route} workflow.", graph, list, example, source);
    }

    /// <summary>"sdxl/txt2img" → "SdxlTxt2img": each word of the route, capitalised.</summary>
    public static string SchemaNameFor(string route) =>
        string.Concat(route.Split(['/', '-', '_', '.'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static WorkflowParameter ParseParameter(string name, JsonNode? node, JsonObject graph)
    {
        var at = $"parameters.{name}";
        if (!IsFieldName(name))
        {
            throw new FormatException($"{at}: the name must be letters, digits and '_'");
        }

        if (node is not JsonObject p)
        {
            throw new FormatException($"{at}: must be an object with to and type");
        }

        RejectUnknownKeys(p, ParameterKeys, at + ".");
        var type = OptionalString(p, "type", at) switch
        {
            "string" => WorkflowParameterType.String,
            "integer" => WorkflowParameterType.Integer,
            "number" => WorkflowParameterType.Number,
            "boolean" => WorkflowParameterType.Boolean,
            "image" => WorkflowParameterType.Image,
            var other => throw new FormatException($"{at}.type: must be one of string, integer, number, boolean, image (got {other ?? "nothing"})"),
        };
        var targets = ParseTargets(p["to"], graph, at + ".to");
        var required = p["required"] switch
        {
            null => false,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
            _ => throw new FormatException($"{at}.required: must be true or false"),
        };
        var min = ParseBound(p, "min", type, at);
        var max = ParseBound(p, "max", type, at);
        if (min > max)
        {
            throw new FormatException($"{at}: min must not be greater than max");
        }

        IReadOnlyList<string>? choices = null;
        ComfyChoiceSource? source = null;
        switch (p["enum"])
        {
            case null:
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                source = ComfyChoiceSource.TryParse(v.GetValue<string>())
                    ?? throw new FormatException($"{at}.enum: must be a list of values or \"comfy:<NodeClass>.<input>\" such as \"comfy:KSampler.sampler_name\"");
                break;
            case JsonArray a when a.Count > 0 && a.All(x => x is JsonValue s && s.GetValueKind() == JsonValueKind.String):
                choices = a.Select(x => x!.GetValue<string>()).ToList();
                break;
            default:
                throw new FormatException($"{at}.enum: must be a non-empty list of strings or \"comfy:<NodeClass>.<input>\"");
        }

        if ((choices is not null || source is not null) && type != WorkflowParameterType.String)
        {
            throw new FormatException($"{at}.enum: only string parameters take an enum");
        }

        var description = OptionalString(p, "description", at);
        var maxLength = p["max_length"] switch
        {
            null => WorkflowParameter.DefaultMaxLength,
            _ when type != WorkflowParameterType.String => throw new FormatException($"{at}.max_length: only string parameters take a max_length"),
            JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) && n > 0 => n,
            _ => throw new FormatException($"{at}.max_length: must be a positive integer"),
        };
        var parameter = new WorkflowParameter(name, type, targets, required, null, false, min, max, description, choices, source) { MaxLength = maxLength };
        return p["default"] switch
        {
            null => parameter,
            JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "random" && type == WorkflowParameterType.Integer =>
                parameter with { RandomDefault = true },
            var d => parameter with { Default = CheckDefault(parameter, d, at) },
        };
    }

    private static JsonNode CheckDefault(WorkflowParameter parameter, JsonNode value, string at)
    {
        var probe = new JsonObject { [parameter.Name] = value.DeepClone() };
        var (errors, filled) = WorkflowInputValidator.Validate(new WorkflowDefinition("", "X", "", "", [], [parameter with { Required = false }], null, ""), probe, _ => null);
        if (errors.Count > 0)
        {
            throw new FormatException($"{at}.default: {errors.Values.First()[0]}");
        }

        return filled![parameter.Name]!;
    }

    private static List<(string Node, string Input)> ParseTargets(JsonNode? to, JsonObject graph, string at)
    {
        var items = to is JsonArray a ? a.ToList() : [to];
        if (items.Count == 0 || items.Any(i => i is null))
        {
            throw new FormatException($"{at}: is required: \"<node>.inputs.<input>\", {{\"node\", \"input\"}} or a list of them");
        }

        var targets = new List<(string Node, string Input)>();
        foreach (var item in items)
        {
            (string Node, string Input) target = item switch
            {
                JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Split('.') is [var n, "inputs", var i] && n.Length > 0 && i.Length > 0 => (n, i),
                JsonObject o when o["node"] is JsonValue n && o["input"] is JsonValue i && n.GetValueKind() == JsonValueKind.String && i.GetValueKind() == JsonValueKind.String => (n.GetValue<string>(), i.GetValue<string>()),
                _ => throw new FormatException($"{at}: must be \"<node>.inputs.<input>\" (e.g. \"31.inputs.seed\") or {{\"node\": \"31\", \"input\": \"seed\"}}"),
            };
            if (graph[target.Node] is not JsonObject)
            {
                throw new FormatException($"{at}: the graph has no node '{target.Node}'");
            }

            if (graph[target.Node]!["inputs"]![target.Input] is JsonArray)
            {
                throw new FormatException($"{at}: input '{target.Input}' of node '{target.Node}' is a link to another node, not a value");
            }

            targets.Add(target);
        }

        return targets;
    }

    private static decimal? ParseBound(JsonObject p, string key, WorkflowParameterType type, string at)
    {
        if (p[key] is null)
        {
            return null;
        }

        if (type is not (WorkflowParameterType.Integer or WorkflowParameterType.Number))
        {
            throw new FormatException($"{at}.{key}: only integer and number parameters take a range");
        }

        if (p[key] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number
            || !decimal.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var bound))
        {
            throw new FormatException($"{at}.{key}: must be a number");
        }

        if (type == WorkflowParameterType.Integer && bound != decimal.Truncate(bound))
        {
            throw new FormatException($"{at}.{key}: must be a whole number for an integer parameter");
        }

        return bound;
    }

    private static void RejectUnknownKeys(JsonObject obj, HashSet<string> known, string at)
    {
        if (obj.Select(p => p.Key).FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new FormatException($"{at}{unknown}: is not a known key (known: {string.Join(", ", known)})");
        }
    }

    private static string? OptionalString(JsonObject obj, string key, string? at = null) => obj[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new FormatException($"{(at is null ? "" : at + ".")}{key}: must be a string"),
    };

    private static bool IsFieldName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static JsonObject ParseObject(string file, string what)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new WorkflowDefinitionException(file, $"{what} must be a JSON object");
        }
        catch (JsonException ex)
        {
            throw new WorkflowDefinitionException(file, $"{what} is not valid JSON: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new WorkflowDefinitionException(file, $"{what} cannot be read: {ex.Message}");
        }
    }
}
