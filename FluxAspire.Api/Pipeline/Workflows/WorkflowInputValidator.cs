using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>Checks a request's input against a definition, naming every bad field by its path ("input.width"), and
/// fills in the defaults. The type policy is strict and the same for every workflow: numbers are JSON numbers (a string
/// such as "1024" is refused; an integer may be written 1024, 1024.0 or 1.024e3), strings are JSON strings of at most
/// the parameter's max_length, and a field the workflow does not define is refused rather than silently dropped.</summary>
public static class WorkflowInputValidator
{
    /// <param name="choices">The current options of a ComfyUI combo; null when unknown (ComfyUI not answering), which
    /// skips that check (ComfyUI's own validation still catches a bad value).</param>
    /// <param name="randomSeed">Draws the value of a "random" default; the recipe's floor(rand * 1e15) when null.</param>
    public static (Dictionary<string, string[]> Errors, JsonObject? Filled) Validate(
        WorkflowDefinition definition, JsonNode? input, Func<ComfyChoiceSource, IReadOnlyList<string>?> choices, Func<ulong>? randomSeed = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (input is null)
        {
            errors["input"] = ["is required"];
            return (errors, null);
        }

        if (input is not JsonObject fields)
        {
            errors["input"] = ["must be an object"];
            return (errors, null);
        }

        foreach (var (name, _) in fields)
        {
            if (!definition.Parameters.Any(p => p.Name == name))
            {
                errors[$"input.{name}"] = [$"is not a parameter of this workflow (it takes {string.Join(", ", definition.Parameters.Select(p => p.Name))})"];
            }
        }

        var filled = new JsonObject();
        foreach (var parameter in definition.Parameters)
        {
            var value = fields[parameter.Name];
            if (value is null || (parameter.Required && IsBlankString(value)))
            {
                if (parameter.Required)
                {
                    errors[$"input.{parameter.Name}"] = ["is required"];
                }
                else if (parameter.RandomDefault)
                {
                    filled[parameter.Name] = (randomSeed ?? RecipeRandomSeed)();
                }
                else if (parameter.Default is not null)
                {
                    filled[parameter.Name] = parameter.Default.DeepClone();
                }

                continue;
            }

            var (converted, problem) = Convert(parameter, value, choices);
            if (problem is not null)
            {
                errors[$"input.{parameter.Name}"] = [problem];
            }
            else
            {
                filled[parameter.Name] = converted;
            }
        }

        return (errors, errors.Count == 0 ? filled : null);
    }

    /// <summary>The recipe draws a random seed as floor(rand * 1e15) per request.</summary>
    public static ulong RecipeRandomSeed() => (ulong)Random.Shared.NextInt64(0, 1_000_000_000_000_000);

    /// <summary>The message for a value that is not even of the parameter's type.</summary>
    public static string TypeMessage(WorkflowParameter parameter) => parameter.Type switch
    {
        WorkflowParameterType.Integer => "must be an integer" + RangeSuffix(parameter),
        WorkflowParameterType.Number => "must be a number" + RangeSuffix(parameter),
        WorkflowParameterType.Boolean => "must be true or false",
        WorkflowParameterType.Image => "must be a string: base64 or an http(s) URL",
        _ => "must be a string",
    };

    private static (JsonNode? Value, string? Problem) Convert(WorkflowParameter parameter, JsonNode value, Func<ComfyChoiceSource, IReadOnlyList<string>?> choices)
    {
        if (value is not JsonValue scalar)
        {
            return (null, TypeMessage(parameter));
        }

        var kind = scalar.GetValueKind();
        if (parameter.Type is WorkflowParameterType.Integer or WorkflowParameterType.Number && kind == JsonValueKind.String
            && decimal.TryParse(scalar.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            // "1024" reads as a number to a person; say why it is refused rather than repeat the range it is within.
            return (null, $"must be a JSON number, not a string ({TypeMessage(parameter)[8..]})");
        }

        switch (parameter.Type)
        {
            case WorkflowParameterType.Integer:
            {
                if (kind != JsonValueKind.Number || !TryInteger(scalar, out var integer, out var number))
                {
                    return (null, TypeMessage(parameter));
                }

                return number < (parameter.Min ?? decimal.MinValue) || number > (parameter.Max ?? decimal.MaxValue)
                    ? (null, RangeMessage(parameter))
                    : (integer, null);
            }

            case WorkflowParameterType.Number:
            {
                if (kind != JsonValueKind.Number || !double.TryParse(scalar.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    || !double.IsFinite(d))
                {
                    return (null, TypeMessage(parameter));
                }

                return (parameter.Min is { } min && d < (double)min) || (parameter.Max is { } max && d > (double)max)
                    ? (null, RangeMessage(parameter))
                    : (JsonValue.Create(d), null);
            }

            case WorkflowParameterType.Boolean:
                return kind is JsonValueKind.True or JsonValueKind.False ? (JsonValue.Create(kind == JsonValueKind.True), null) : (null, TypeMessage(parameter));

            default:
                if (kind != JsonValueKind.String)
                {
                    return (null, TypeMessage(parameter));
                }

                var s = scalar.GetValue<string>();
                if (s.Length > parameter.MaxLength)
                {
                    return (null, $"must be at most {parameter.MaxLength} characters long (got {s.Length})");
                }

                var allowed = parameter.Choices ?? (parameter.ChoicesSource is { } source ? choices(source) : null);
                if (allowed is { Count: > 0 } && !allowed.Contains(s, StringComparer.Ordinal))
                {
                    return (null, $"must be one of {string.Join(", ", allowed)}");
                }

                return (JsonValue.Create(s), null);
        }
    }

    /// <summary>A JSON number with no fractional part (1024, 1024.0, 1.024e3), as a long or, above long's range, a ulong.</summary>
    private static bool TryInteger(JsonValue scalar, out JsonNode? integer, out decimal number)
    {
        integer = null;
        if (!decimal.TryParse(scalar.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number) || number != decimal.Truncate(number))
        {
            return false;
        }

        integer = number >= long.MinValue && number <= long.MaxValue ? JsonValue.Create((long)number)
            : number >= 0 && number <= ulong.MaxValue ? JsonValue.Create((ulong)number) : null;
        return integer is not null;
    }

    private static string RangeSuffix(WorkflowParameter parameter) => (parameter.Min, parameter.Max) switch
    {
        ({ } min, { } max) => $" between {Bound(min)} and {Bound(max)}",
        ({ } min, null) => $" of at least {Bound(min)}",
        (null, { } max) => $" of at most {Bound(max)}",
        _ => "",
    };

    private static string RangeMessage(WorkflowParameter parameter) => (parameter.Min, parameter.Max) switch
    {
        ({ } min, { } max) => $"must be between {Bound(min)} and {Bound(max)}",
        ({ } min, null) => $"must be at least {Bound(min)}",
        (null, { } max) => $"must be at most {Bound(max)}",
        _ => "is out of range",
    };

    private static string Bound(decimal? value) => value is { } v ? v.ToString("G29", CultureInfo.InvariantCulture) : "";

    private static bool IsBlankString(JsonNode value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(v.GetValue<string>());
}
