using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.ComfySim.Execution;

/// <summary>
/// Text the way Python writes it, where ComfyUI shows Python's own formatting on the wire:
/// <c>repr(float)</c> for client-given priority numbers, <c>json.dumps</c> (", " and ": " separators) for PNG chunks,
/// and <c>str(dict)</c> for non-primitive values in <c>execution_error.current_inputs</c>.
/// </summary>
public static class PythonText
{
    /// <summary>Python's repr of a float as json.dumps writes it: 5.0, -100.0, 1e+16, 1.5e-05, Infinity, NaN.</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Infinity";
        if (double.IsNegativeInfinity(value)) return "-Infinity";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";

        // Shortest round-trip digits and the decimal exponent, then Python's repr rule:
        // positional when 1e-4 <= |x| < 1e16, otherwise scientific with a two-digit exponent at least.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = value < 0;
        var (digits, exponent) = Decompose(shortest.TrimStart('-'));
        if (exponent >= -4 && exponent < 16)
        {
            string text;
            if (exponent >= 0)
            {
                var intPart = digits.Length > exponent + 1 ? digits[..(exponent + 1)] : digits.PadRight(exponent + 1, '0');
                var frac = digits.Length > exponent + 1 ? digits[(exponent + 1)..] : "0";
                text = intPart + "." + frac;
            }
            else
            {
                text = "0." + new string('0', -exponent - 1) + digits;
            }

            return negative ? "-" + text : text;
        }

        var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        var exp = exponent < 0 ? "-" + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture) : "+" + exponent.ToString("00", CultureInfo.InvariantCulture);
        return (negative ? "-" : "") + mantissa + "e" + exp;
    }

    private static (string Digits, int Exponent) Decompose(string shortest)
    {
        // shortest is like "123.45", "1E+16", "1.5E-05", "0.0001"
        var exponent = 0;
        var mantissa = shortest;
        var eIndex = shortest.IndexOfAny(['E', 'e']);
        if (eIndex >= 0)
        {
            exponent = int.Parse(shortest[(eIndex + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = shortest[..eIndex];
        }

        var dot = mantissa.IndexOf('.');
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        var all = intPart + fracPart;
        var pointPosition = intPart.Length + exponent; // digits before the decimal point
        var firstNonZero = 0;
        while (firstNonZero < all.Length - 1 && all[firstNonZero] == '0') firstNonZero++;
        var digits = all[firstNonZero..].TrimEnd('0');
        if (digits.Length == 0) digits = "0";
        return (digits, pointPosition - firstNonZero - 1);
    }

    /// <summary>Python's <c>json.dumps(value)</c>: ", " and ": " separators, non-ASCII escaped as lowercase \uXXXX.</summary>
    public static string JsonDumps(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteJson(sb, node);
        return sb.ToString();
    }

    private static void WriteJson(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    WriteString(sb, key);
                    sb.Append(": ");
                    WriteJson(sb, value);
                }

                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteJson(sb, array[i]);
                }

                sb.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String: WriteString(sb, value.GetValue<string>()); break;
                    case JsonValueKind.True: sb.Append("true"); break;
                    case JsonValueKind.False: sb.Append("false"); break;
                    case JsonValueKind.Null: sb.Append("null"); break;
                    default: sb.Append(value.ToJsonString()); break;
                }

                break;
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    /// <summary>Python's <c>str()</c> of a JSON-decoded value: {'a': [1, True, None]}.</summary>
    public static string Repr(JsonNode? node)
    {
        var sb = new StringBuilder();
        WriteRepr(sb, node);
        return sb.ToString();
    }

    private static void WriteRepr(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("None");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    sb.Append(StringRepr(key)).Append(": ");
                    WriteRepr(sb, value);
                }

                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteRepr(sb, array[i]);
                }

                sb.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String: sb.Append(StringRepr(value.GetValue<string>())); break;
                    case JsonValueKind.True: sb.Append("True"); break;
                    case JsonValueKind.False: sb.Append("False"); break;
                    case JsonValueKind.Null: sb.Append("None"); break;
                    default: sb.Append(value.ToJsonString()); break;
                }

                break;
        }
    }

    /// <summary>Python's repr of a str: single quotes unless the text has a single quote and no double quote.</summary>
    public static string StringRepr(string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(s.Length + 2).Append(quote);
        foreach (var c in s)
        {
            if (c == quote || c == '\\') sb.Append('\\').Append(c);
            else if (c == '\n') sb.Append("\\n");
            else if (c == '\r') sb.Append("\\r");
            else if (c == '\t') sb.Append("\\t");
            else if (c < 0x20 || c == 0x7f) sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }

        return sb.Append(quote).ToString();
    }
}
