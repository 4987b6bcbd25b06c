using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Infrastructure;

/// <summary>
/// Compares JSON by shape: the same keys at every level, the same JSON kinds (object, array, string, number,
/// boolean, null) and the same nesting. Values may differ (ids, timings), so a renamed or missing field fails,
/// a changed value does not. Arrays are compared element by element when <see cref="Options.SameLength"/>,
/// otherwise each actual element against the first expected one.
/// </summary>
public static class JsonShape
{
    public sealed record Options(bool SameLength = true, bool AllowNullForAny = false);

    public static void AssertSameShape(JsonNode? expected, JsonNode? actual, Options? options = null)
    {
        var problems = new List<string>();
        Compare(expected, actual, "$", options ?? new Options(), problems);
        if (problems.Count > 0)
        {
            Assert.Fail("JSON shape differs from the capture:\n  " + string.Join("\n  ", problems.Take(20)) +
                $"\nexpected: {Truncate(expected?.ToJsonString())}\nactual:   {Truncate(actual?.ToJsonString())}");
        }
    }

    /// <summary>The names of every path whose shape differs; empty when the shapes agree.</summary>
    public static IReadOnlyList<string> Differences(JsonNode? expected, JsonNode? actual, Options? options = null)
    {
        var problems = new List<string>();
        Compare(expected, actual, "$", options ?? new Options(), problems);
        return problems;
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, Options options, List<string> problems)
    {
        var expectedKind = Kind(expected);
        var actualKind = Kind(actual);
        if (expectedKind != actualKind)
        {
            if (!(options.AllowNullForAny && (expectedKind == "null" || actualKind == "null")))
            {
                problems.Add($"{path}: expected {expectedKind}, got {actualKind}");
            }

            return;
        }

        switch (expected)
        {
            case JsonObject eo:
                var ao = actual!.AsObject();
                foreach (var key in eo.Select(p => p.Key).Except(ao.Select(p => p.Key)))
                {
                    problems.Add($"{path}: missing key '{key}'");
                }

                foreach (var key in ao.Select(p => p.Key).Except(eo.Select(p => p.Key)))
                {
                    problems.Add($"{path}: unexpected key '{key}'");
                }

                foreach (var (key, value) in eo)
                {
                    if (ao.TryGetPropertyValue(key, out var other))
                    {
                        Compare(value, other, $"{path}.{key}", options, problems);
                    }
                }

                break;
            case JsonArray ea:
                var aa = actual!.AsArray();
                if (options.SameLength)
                {
                    if (ea.Count != aa.Count)
                    {
                        problems.Add($"{path}: expected {ea.Count} elements, got {aa.Count}");
                        return;
                    }

                    for (var i = 0; i < ea.Count; i++)
                    {
                        Compare(ea[i], aa[i], $"{path}[{i}]", options, problems);
                    }
                }
                else if (ea.Count > 0)
                {
                    for (var i = 0; i < aa.Count; i++)
                    {
                        Compare(ea[0], aa[i], $"{path}[{i}]", options, problems);
                    }
                }

                break;
        }
    }

    private static string Kind(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "unknown",
    };

    private static string Truncate(string? s) => s is null ? "null" : s.Length > 600 ? s[..600] + "…" : s;
}
