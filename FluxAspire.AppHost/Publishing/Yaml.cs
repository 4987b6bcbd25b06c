using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FluxAspire.AppHost.Publishing;

/// <summary>An ordered YAML mapping; values are strings, numbers, booleans, <see cref="YamlMap"/>s or lists.</summary>
internal sealed class YamlMap : List<KeyValuePair<string, object>>
{
    public void Add(string key, object value) => Add(new KeyValuePair<string, object>(key, value));
}

/// <summary>
/// Writes the small subset of YAML a Compose file needs: block mappings and sequences, and scalars that are
/// either plain (names, paths) or double-quoted, so that nothing is read back as a number, a boolean or base-60.
/// </summary>
internal static partial class Yaml
{
    public static string Write(YamlMap document)
    {
        var text = new StringBuilder();
        WriteMap(text, document, indent: 0);
        return text.ToString();
    }

    private static void WriteMap(StringBuilder text, YamlMap map, int indent)
    {
        foreach (var (key, value) in map)
        {
            text.Append(' ', indent).Append(Scalar(key)).Append(':');
            WriteValue(text, value, indent);
        }
    }

    private static void WriteValue(StringBuilder text, object value, int indent)
    {
        switch (value)
        {
            case YamlMap { Count: 0 }:
                text.Append(" {}\n");
                break;
            case YamlMap map:
                text.Append('\n');
                WriteMap(text, map, indent + 2);
                break;
            case IEnumerable<object> items when value is not string:
                var list = items.ToList();
                if (list.Count == 0)
                {
                    text.Append(" []\n");
                    break;
                }

                text.Append('\n');
                foreach (var item in list)
                {
                    text.Append(' ', indent + 2).Append('-');
                    if (item is YamlMap itemMap and { Count: > 0 })
                    {
                        // "- key: value" with the rest of the mapping aligned under the first key.
                        var inner = new StringBuilder();
                        WriteMap(inner, itemMap, indent + 4);
                        text.Append(' ').Append(inner.ToString(indent + 4, inner.Length - indent - 4));
                    }
                    else
                    {
                        WriteValue(text, item, indent + 2);
                    }
                }

                break;
            default:
                text.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    /// <summary>A scalar as YAML text: numbers and booleans bare, safe words plain, everything else double-quoted.</summary>
    public static string Scalar(object value) => value switch
    {
        bool b => b ? "true" : "false",
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        string s when IsPlainSafe(s) => s,
        _ => Quote(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
    };

    // A letter first and no ':' or '#': never a number, a timestamp, base-60 or a comment. YAML 1.1 booleans are quoted too.
    private static bool IsPlainSafe(string s) =>
        PlainWord().IsMatch(s) && !ReservedWords.Contains(s);

    private static readonly HashSet<string> ReservedWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "y", "n", "on", "off", "null",
    };

    private static string Quote(string s)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in s)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_./-]*$")]
    private static partial Regex PlainWord();
}
