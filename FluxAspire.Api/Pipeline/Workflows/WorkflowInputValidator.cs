using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>Checks a request's input against a definition, naming every bad field by its path ("input.width"), and
/// fills in the defaults. Unknown fields are dropped, as the recipe's schema does.</summary>
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
        switch (parameter.Type)
        {
            case WorkflowParameterType.Integer:
            {
                // Numbers may also come as strings, as ASP.NET's JSON options allow for typed bodies.
                var text = kind == JsonValueKind.String ? scalar.GetValue<string>() : kind == JsonValueKind.Number ? scalar.ToJsonString() : null;
                JsonNode? parsed = null;
                decimal number = 0;
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    (parsed, number) = (JsonValue.Create(l), l);
                }
                else if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var u))
                {
                    (parsed, number) = (JsonValue.Create(u), u);
                }

                if (parsed is null)
                {
                    return (null, TypeMessage(parameter));
                }

                return number < (parameter.Min ?? decimal.MinValue) || number > (parameter.Max ?? decimal.MaxValue)
                    ? (null, RangeMessage(parameter))
                    : (parsed, null);
            }

            case WorkflowParameterType.Number:
            {
                var text = kind == JsonValueKind.String ? scalar.GetValue<string>() : kind == JsonValueKind.Number ? scalar.ToJsonString() : null;
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
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
                var allowed = parameter.Choices ?? (parameter.ChoicesSource is { } source ? choices(source) : null);
                if (allowed is { Count: > 0 } && !allowed.Contains(s, StringComparer.Ordinal))
                {
                    return (null, $"must be one of {string.Join(", ", allowed)}");
                }

                return (JsonValue.Create(s), null);
        }
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
