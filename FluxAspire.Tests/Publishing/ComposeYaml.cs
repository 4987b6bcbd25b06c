using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FluxAspire.Tests.Publishing;

/// <summary>
/// Reads the block-style YAML subset that docker-compose.yml is written in (mappings, "- " sequences, plain and
/// double-quoted scalars, {} and []) into JSON nodes, so tests can walk it like the Salad JSON. Scalars stay strings.
/// Anything outside the subset throws, so an odd file fails the test instead of being half-read.
/// </summary>
internal static partial class ComposeYaml
{
    public static JsonNode Parse(string text)
    {
        var lines = text.Split('\n')
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .Select(l => (Indent: l.Length - l.TrimStart(' ').Length, Text: l.Trim()))
            .ToList();
        var position = 0;
        var document = ParseBlock(lines, ref position, 0);
        return position == lines.Count ? document : throw new FormatException($"unexpected line: {lines[position].Text}");
    }

    private static JsonNode ParseBlock(List<(int Indent, string Text)> lines, ref int position, int indent) =>
        lines[position].Text.StartsWith('-') ? ParseSequence(lines, ref position, indent) : ParseMapping(lines, ref position, indent);

    private static JsonObject ParseMapping(List<(int Indent, string Text)> lines, ref int position, int indent)
    {
        var map = new JsonObject();
        while (position < lines.Count && lines[position].Indent == indent && !lines[position].Text.StartsWith('-'))
        {
            var match = KeyValue().Match(lines[position].Text);
            if (!match.Success)
            {
                throw new FormatException($"not a 'key: value' line: {lines[position].Text}");
            }

            var key = Scalar(match.Groups["key"].Value);
            position++;
            map.Add(key, match.Groups["value"].Success ? Value(match.Groups["value"].Value) : Child(lines, ref position, indent));
        }

        return map;
    }

    private static JsonArray ParseSequence(List<(int Indent, string Text)> lines, ref int position, int indent)
    {
        var list = new JsonArray();
        while (position < lines.Count && lines[position].Indent == indent && lines[position].Text.StartsWith('-'))
        {
            var item = lines[position].Text[1..].TrimStart();
            if (item.Length == 0)
            {
                position++;
                list.Add(Child(lines, ref position, indent));
            }
            else if (KeyValue().IsMatch(item) && !item.StartsWith('"'))
            {
                // "- key: value": a mapping whose keys line up two columns in.
                lines[position] = (indent + 2, item);
                list.Add(ParseMapping(lines, ref position, indent + 2));
            }
            else
            {
                position++;
                list.Add(Value(item));
            }
        }

        return list;
    }

    private static JsonNode Child(List<(int Indent, string Text)> lines, ref int position, int indent) =>
        position < lines.Count && lines[position].Indent > indent
            ? ParseBlock(lines, ref position, lines[position].Indent)
            : throw new FormatException($"a key at indent {indent} has no value");

    private static JsonNode Value(string text) => text switch
    {
        "{}" => new JsonObject(),
        "[]" => new JsonArray(),
        _ => JsonValue.Create(Scalar(text)),
    };

    private static string Scalar(string text)
    {
        if (!text.StartsWith('"'))
        {
            return text.Contains(": ", StringComparison.Ordinal) || text.Contains(" #", StringComparison.Ordinal) || text.StartsWith('{') || text.StartsWith('[')
                ? throw new FormatException($"a plain scalar outside the subset: {text}")
                : text;
        }

        var value = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                return i == text.Length - 1 ? value.ToString() : throw new FormatException($"text after a quoted scalar: {text}");
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            c = text[++i];
            value.Append(c switch
            {
                'n' => "\n",
                't' => "\t",
                'r' => "\r",
                '"' => "\"",
                '\\' => "\\",
                'u' => ((char)int.Parse(text.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToString(),
                _ => throw new FormatException($"unknown escape \\{c} in {text}"),
            });
            if (c == 'u')
            {
                i += 4;
            }
        }

        throw new FormatException($"unterminated quoted scalar: {text}");
    }

    [GeneratedRegex("""^(?<key>[A-Za-z_][A-Za-z0-9_./-]*|"(?:[^"\\]|\\.)*"):(?: (?<value>.+))?$""")]
    private static partial Regex KeyValue();
}
