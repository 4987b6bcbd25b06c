using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Schemas;

namespace FluxAspire.ComfySim.Validation;

/// <summary>
/// ComfyUI's validate_prompt / validate_inputs (execution.py, 0.3.64), for any graph, against the real node schemas.
/// A line-by-line port, quirks included: exceptions from a bad link escape the node that holds the link and are
/// recorded by its caller; every failing output is appended to the dependent_outputs of every failed node seen so far.
/// </summary>
public sealed class PromptValidator(NodeSchemaCatalog catalog)
{
    // Python's recursion limit is 1000 frames; a deeper (or cyclic) graph raises RecursionError there.
    private const int MaxDepth = 990;

    private static readonly JsonArray TracebackPlaceholder = ["  File \"execution.py\", in validate_inputs\n    (simulated by FluxAspire.ComfySim)\n"];

    private readonly NodeSchemaCatalog _catalog = catalog;

    /// <summary>
    /// Validates an API-format graph. Converts constants in place (INT/FLOAT/STRING/BOOLEAN), as ComfyUI does,
    /// so the caller stores the converted graph.
    /// </summary>
    public ValidationResult Validate(JsonObject prompt, IReadOnlyCollection<string>? partialExecutionTargets)
    {
        var outputs = new List<string>();
        foreach (var (id, node) in prompt)
        {
            if (node is not JsonObject nodeObject || !nodeObject.ContainsKey("class_type"))
            {
                return Rejected(Error("invalid_prompt", "Cannot execute because a node is missing the class_type property.", $"Node ID '#{id}'"));
            }

            var classType = nodeObject["class_type"];
            var schema = PythonValues.KindOf(classType) == PythonKind.Str ? NodeSchemaCatalog.FindCached(classType!.GetValue<string>()) : null;
            if (schema is null)
            {
                return Rejected(Error("invalid_prompt", $"Cannot execute because node {PythonValues.ToStr(classType)} does not exist.", $"Node ID '#{id}'"));
            }

            if (schema.IsOutputNode && (partialExecutionTargets is null || partialExecutionTargets.Contains(id)))
            {
                outputs.Add(id);
            }
        }

        if (outputs.Count == 0)
        {
            return Rejected(Error("prompt_no_outputs", "Prompt has no outputs", string.Empty));
        }

        var goodOutputs = new List<string>();
        var errors = new List<(string Output, JsonArray Reasons)>();
        var nodeErrors = new JsonObject();
        var validated = new OrderedDictionary<string, NodeResult>(StringComparer.Ordinal);
        foreach (var output in outputs)
        {
            bool valid;
            JsonArray reasons;
            try
            {
                var result = ValidateInputs(prompt, output, validated, depth: 0);
                valid = result.Valid;
                reasons = result.Errors;
            }
            catch (Exception ex)
            {
                var (type, message) = Describe(ex);
                valid = false;
                reasons =
                [
                    new JsonObject
                    {
                        ["type"] = "exception_during_validation",
                        ["message"] = "Exception when validating node",
                        ["details"] = message,
                        ["extra_info"] = new JsonObject { ["exception_type"] = type, ["traceback"] = TracebackPlaceholder.DeepClone() },
                    },
                ];
                validated[output] = new NodeResult(false, reasons);
            }

            if (valid)
            {
                goodOutputs.Add(output);
                continue;
            }

            if (reasons.Count > 0)
            {
                errors.Add((output, reasons));
            }

            foreach (var (nodeId, result) in validated)
            {
                if (result.Valid || result.Errors.Count == 0)
                {
                    continue;
                }

                if (nodeErrors[nodeId] is not JsonObject entry)
                {
                    entry = new JsonObject
                    {
                        ["errors"] = result.Errors.DeepClone(),
                        ["dependent_outputs"] = new JsonArray(),
                        ["class_type"] = prompt[nodeId]!["class_type"]?.DeepClone(),
                    };
                    nodeErrors[nodeId] = entry;
                }

                entry["dependent_outputs"]!.AsArray().Add(output);
            }
        }

        if (goodOutputs.Count == 0)
        {
            var details = string.Join("\n", errors.SelectMany(e => e.Reasons).Select(e => $"{(string?)e!["message"]}: {(string?)e["details"]}"));
            return new ValidationResult(false, Error("prompt_outputs_failed_validation", "Prompt outputs failed validation", details), [], nodeErrors);
        }

        return new ValidationResult(true, null, goodOutputs, nodeErrors);
    }

    private NodeResult ValidateInputs(JsonObject prompt, string uniqueId, OrderedDictionary<string, NodeResult> validated, int depth)
    {
        if (validated.TryGetValue(uniqueId, out var known))
        {
            return known;
        }

        if (depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new PythonException("RecursionError", "maximum recursion depth exceeded");
        }

        var node = prompt[uniqueId]!.AsObject();
        if (!node.TryGetPropertyValue("inputs", out var inputsNode))
        {
            throw new PythonException("KeyError", "'inputs'");
        }

        if (inputsNode is not JsonObject inputs)
        {
            throw new PythonException("TypeError", $"argument of type '{PythonValues.TypeName(inputsNode)}' is not iterable");
        }

        var classType = node["class_type"]!.GetValue<string>();
        var schema = _catalog.Find(classType)!;
        var customValidator = CustomValidator.For(classType);

        var errors = new JsonArray();
        var valid = true;
        foreach (var input in schema.Inputs)
        {
            var x = input.Name;
            if (!inputs.TryGetPropertyValue(x, out var val))
            {
                if (input.Required)
                {
                    errors.Add(new JsonObject
                    {
                        ["type"] = "required_input_missing",
                        ["message"] = "Required input is missing",
                        ["details"] = x,
                        ["extra_info"] = new JsonObject { ["input_name"] = x },
                    });
                }

                continue;
            }

            if (val is JsonArray link)
            {
                if (link.Count != 2)
                {
                    errors.Add(new JsonObject
                    {
                        ["type"] = "bad_linked_input",
                        ["message"] = "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                        ["details"] = x,
                        ["extra_info"] = new JsonObject { ["input_name"] = x, ["input_config"] = InputConfig(input), ["received_value"] = link.DeepClone() },
                    });
                    continue;
                }

                var (sourceId, sourceNode) = LookUpNode(prompt, link[0]);
                var returnTypes = NodeSchemaCatalog.OutputTypesOf(sourceNode["class_type"]!.GetValue<string>())!;
                var receivedType = IndexTuple(returnTypes, link[1]);
                if (!ValidateNodeInput(receivedType, input.Type))
                {
                    errors.Add(new JsonObject
                    {
                        ["type"] = "return_type_mismatch",
                        ["message"] = "Return type mismatch between linked nodes",
                        ["details"] = $"{x}, received_type({PythonValues.ToStr(receivedType)}) mismatch input_type({PythonValues.ToStr(input.Type)})",
                        ["extra_info"] = new JsonObject
                        {
                            ["input_name"] = x,
                            ["input_config"] = InputConfig(input),
                            ["received_type"] = receivedType.DeepClone(),
                            ["linked_node"] = link.DeepClone(),
                        },
                    });
                    continue;
                }

                try
                {
                    if (!ValidateInputs(prompt, sourceId, validated, depth + 1).Valid)
                    {
                        valid = false;
                    }
                }
                catch (Exception ex)
                {
                    var (type, message) = Describe(ex);
                    valid = false;
                    validated[sourceId] = new NodeResult(false,
                    [
                        new JsonObject
                        {
                            ["type"] = "exception_during_inner_validation",
                            ["message"] = "Exception when validating inner node",
                            ["details"] = message,
                            ["extra_info"] = new JsonObject
                            {
                                ["input_name"] = x,
                                ["input_config"] = InputConfig(input),
                                ["exception_message"] = message,
                                ["exception_type"] = type,
                                ["traceback"] = TracebackPlaceholder.DeepClone(),
                                ["linked_node"] = link.DeepClone(),
                            },
                        },
                    ]);
                }

                continue;
            }

            var original = val;
            try
            {
                if (val is JsonObject wrapper && wrapper.TryGetPropertyValue("__value__", out var inner))
                {
                    wrapper.Remove("__value__");
                    inputs[x] = inner;
                    val = inner;
                    original = inner;
                }

                val = Convert(input.Type, val);
                if (!ReferenceEquals(val, original))
                {
                    inputs[x] = val;
                }
            }
            catch (PythonException ex)
            {
                errors.Add(new JsonObject
                {
                    ["type"] = "invalid_input_type",
                    ["message"] = $"Failed to convert an input value to a {PythonValues.ToStr(input.Type)} value",
                    ["details"] = $"{x}, {PythonValues.ToStr(original)}, {ex.Message}",
                    ["extra_info"] = new JsonObject
                    {
                        ["input_name"] = x,
                        ["input_config"] = InputConfig(input),
                        ["received_value"] = original?.DeepClone(),
                        ["exception_message"] = ex.Message,
                    },
                });
                continue;
            }

            if (customValidator?.InputName == x)
            {
                continue;
            }

            if (input.Options.TryGetPropertyValue("min", out var min) && PythonValues.LessThan(val, min))
            {
                errors.Add(RangeError("value_smaller_than_min", $"Value {PythonValues.ToStr(val)} smaller than min of {PythonValues.ToStr(min)}", input, val));
                continue;
            }

            if (input.Options.TryGetPropertyValue("max", out var max) && PythonValues.GreaterThan(val, max))
            {
                errors.Add(RangeError("value_bigger_than_max", $"Value {PythonValues.ToStr(val)} bigger than max of {PythonValues.ToStr(max)}", input, val));
                continue;
            }

            // Only classic combos (a list of choices) are checked; V3 "COMBO" inputs are not, in 0.3.64.
            if (input.Type is JsonArray choices && !choices.Any(choice => PythonValues.PyEquals(val, choice)))
            {
                var small = choices.Count <= 20;
                errors.Add(new JsonObject
                {
                    ["type"] = "value_not_in_list",
                    ["message"] = "Value not in list",
                    ["details"] = $"{x}: '{PythonValues.ToStr(val)}' not in {(small ? PythonValues.Repr(choices) : $"(list of length {choices.Count})")}",
                    ["extra_info"] = new JsonObject
                    {
                        ["input_name"] = x,
                        ["input_config"] = small ? InputConfig(input) : null,
                        ["received_value"] = val?.DeepClone(),
                    },
                });
            }
        }

        if (customValidator is not null)
        {
            // get_input_data while validating: a linked input is not resolved and arrives as None.
            var present = inputs.TryGetPropertyValue(customValidator.InputName, out var value);
            var argument = IsLink(value) ? null : value;
            if (customValidator.Run(_catalog.Folders, present, argument) is { } failure)
            {
                errors.Add(new JsonObject
                {
                    ["type"] = "custom_validation_failed",
                    ["message"] = "Custom validation failed for node",
                    ["details"] = $"{customValidator.InputName} - {failure}",
                    ["extra_info"] = new JsonObject { ["input_name"] = customValidator.InputName },
                });
            }
        }

        var ret = errors.Count > 0 || !valid ? new NodeResult(false, errors) : new NodeResult(true, []);
        validated[uniqueId] = ret;
        return ret;
    }

    /// <summary>validate_node_input: equal types, or comma-separated type sets that overlap, or "*" on either side.</summary>
    public static bool ValidateNodeInput(JsonNode? receivedType, JsonNode? inputType)
    {
        if (PythonValues.PyEquals(receivedType, inputType))
        {
            return true;
        }

        if (PythonValues.KindOf(receivedType) != PythonKind.Str || PythonValues.KindOf(inputType) != PythonKind.Str)
        {
            return false;
        }

        var received = receivedType!.GetValue<string>().Split(',').Select(t => t.Trim()).ToHashSet(StringComparer.Ordinal);
        var accepted = inputType!.GetValue<string>().Split(',').Select(t => t.Trim()).ToHashSet(StringComparer.Ordinal);
        return received.Contains("*") || accepted.Contains("*") || received.Overlaps(accepted);
    }

    /// <summary>Python's int()/float()/str()/bool() for the four primitive input types; other types pass through.</summary>
    private static JsonNode? Convert(JsonNode type, JsonNode? value)
    {
        if (PythonValues.KindOf(type) != PythonKind.Str)
        {
            return value;
        }

        return type.GetValue<string>() switch
        {
            "INT" => PythonValues.IntNode(PythonValues.ToInt(value)),
            "FLOAT" => PythonValues.FloatNode(PythonValues.ToFloat(value)),
            "STRING" => PythonValues.KindOf(value) == PythonKind.Str ? value : JsonValue.Create(PythonValues.ToStr(value)),
            "BOOLEAN" => PythonValues.BoolNode(PythonValues.Truthy(value)),
            _ => value,
        };
    }

    /// <summary>prompt[o_id]: KeyError for an id that is not a node (ints included), TypeError for an unhashable one.</summary>
    private static (string Id, JsonObject Node) LookUpNode(JsonObject prompt, JsonNode? id)
    {
        var kind = PythonValues.KindOf(id);
        if (kind is PythonKind.List or PythonKind.Dict)
        {
            throw new PythonException("TypeError", $"unhashable type: '{PythonValues.TypeName(id)}'");
        }

        if (kind == PythonKind.Str && prompt[id!.GetValue<string>()] is JsonObject node)
        {
            return (id.GetValue<string>(), node);
        }

        throw new PythonException("KeyError", PythonValues.Repr(id));
    }

    /// <summary>RETURN_TYPES[slot], with Python's negative indices and errors.</summary>
    private static JsonNode IndexTuple(IReadOnlyList<JsonNode> tuple, JsonNode? slot)
    {
        var kind = PythonValues.KindOf(slot);
        if (kind is not (PythonKind.Int or PythonKind.Bool))
        {
            throw new PythonException("TypeError", $"tuple indices must be integers or slices, not {PythonValues.TypeName(slot)}");
        }

        var index = kind == PythonKind.Bool ? (slot!.GetValue<bool>() ? BigInteger.One : BigInteger.Zero) : PythonValues.IntValue(slot!);
        if (index > long.MaxValue || index < long.MinValue)
        {
            throw new PythonException("IndexError", "cannot fit 'int' into an index-sized integer");
        }

        if (index < 0)
        {
            index += tuple.Count;
        }

        if (index < 0 || index >= tuple.Count)
        {
            throw new PythonException("IndexError", "tuple index out of range");
        }

        return tuple[(int)index];
    }

    /// <summary>execution.is_link: a list of [str, int or float].</summary>
    private static bool IsLink(JsonNode? value) =>
        value is JsonArray { Count: 2 } a && PythonValues.KindOf(a[0]) == PythonKind.Str
        && PythonValues.KindOf(a[1]) is PythonKind.Int or PythonKind.Float or PythonKind.Bool;

    private static JsonArray InputConfig(NodeInput input) => [input.Type.DeepClone(), input.Options.DeepClone()];

    private static JsonObject RangeError(string type, string message, NodeInput input, JsonNode? value) => new()
    {
        ["type"] = type,
        ["message"] = message,
        ["details"] = input.Name,
        ["extra_info"] = new JsonObject { ["input_name"] = input.Name, ["input_config"] = InputConfig(input), ["received_value"] = value?.DeepClone() },
    };

    private static (string Type, string Message) Describe(Exception ex) => ex switch
    {
        PythonException py => (py.TypeName, py.Message),
        InsufficientExecutionStackException => ("RecursionError", "maximum recursion depth exceeded"),
        _ => (ex.GetType().Name, ex.Message),
    };

    private static JsonObject Error(string type, string message, string details) => new()
    {
        ["type"] = type,
        ["message"] = message,
        ["details"] = details,
        ["extra_info"] = new JsonObject(),
    };

    private static ValidationResult Rejected(JsonObject error) => new(false, error, [], new JsonObject());

    private sealed record NodeResult(bool Valid, JsonArray Errors);
}

/// <param name="Ok">True when at least one output passed (the prompt is queued).</param>
/// <param name="Error">The top-level <c>error</c> object when not ok; null when ok.</param>
/// <param name="GoodOutputs">Output node ids that passed (outputs_to_execute).</param>
/// <param name="NodeErrors">The <c>node_errors</c> object (may be non-empty even when ok: partial success).</param>
public sealed record ValidationResult(bool Ok, JsonObject? Error, IReadOnlyList<string> GoodOutputs, JsonObject NodeErrors);
