using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FluxAspire.ComfySim.Validation;

/// <summary>The Python type a JSON value has after Python's json.loads.</summary>
public enum PythonKind
{
    None,
    Bool,
    Int,
    Float,
    Str,
    List,
    Dict,
}

/// <summary>
/// Python semantics over JSON values, as ComfyUI applies them while validating: int(), float(), str(), bool(),
/// repr(), comparisons and equality. JSON numbers with '.', 'e' or 'E' are floats, others are (unbounded) ints.
/// </summary>
public static partial class PythonValues
{
    public static PythonKind KindOf(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return PythonKind.None;
            case JsonObject:
                return PythonKind.Dict;
            case JsonArray:
                return PythonKind.List;
        }

        var value = node.AsValue();
        return value.GetValueKind() switch
        {
            JsonValueKind.String => PythonKind.Str,
            JsonValueKind.True or JsonValueKind.False => PythonKind.Bool,
            JsonValueKind.Number => IsFloatNumber(value) ? PythonKind.Float : PythonKind.Int,
            _ => PythonKind.None,
        };
    }

    /// <summary>type(x).__name__.</summary>
    public static string TypeName(JsonNode? node) => KindOf(node) switch
    {
        PythonKind.None => "NoneType",
        PythonKind.Bool => "bool",
        PythonKind.Int => "int",
        PythonKind.Float => "float",
        PythonKind.Str => "str",
        PythonKind.List => "list",
        _ => "dict",
    };

    /// <summary>The value of a JSON integer (any size).</summary>
    public static BigInteger IntValue(JsonNode node) => BigInteger.Parse(NumberText(node.AsValue()), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    /// <summary>The value of a JSON number as a Python float.</summary>
    public static double FloatValue(JsonNode node) => double.Parse(NumberText(node.AsValue()), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Python int(x).</summary>
    public static BigInteger ToInt(JsonNode? node)
    {
        switch (KindOf(node))
        {
            case PythonKind.Int:
                return IntValue(node!);
            case PythonKind.Bool:
                return node!.GetValue<bool>() ? BigInteger.One : BigInteger.Zero;
            case PythonKind.Float:
                var f = FloatValue(node!);
                if (double.IsNaN(f))
                {
                    throw new PythonException("ValueError", "cannot convert float NaN to integer");
                }

                if (double.IsInfinity(f))
                {
                    throw new PythonException("OverflowError", "cannot convert float infinity to integer");
                }

                return new BigInteger(Math.Truncate(f));
            case PythonKind.Str:
                var text = node!.GetValue<string>();
                return ParseIntLiteral(text) ?? throw new PythonException("ValueError", $"invalid literal for int() with base 10: {ReprString(text)}");
            default:
                throw new PythonException("TypeError", $"int() argument must be a string, a bytes-like object or a real number, not '{TypeName(node)}'");
        }
    }

    /// <summary>Python float(x).</summary>
    public static double ToFloat(JsonNode? node)
    {
        switch (KindOf(node))
        {
            case PythonKind.Float:
                return FloatValue(node!);
            case PythonKind.Int:
                return IntToFloat(IntValue(node!));
            case PythonKind.Bool:
                return node!.GetValue<bool>() ? 1.0 : 0.0;
            case PythonKind.Str:
                var text = node!.GetValue<string>();
                return ParseFloatLiteral(text) ?? throw new PythonException("ValueError", $"could not convert string to float: {ReprString(text)}");
            default:
                throw new PythonException("TypeError", $"float() argument must be a string or a real number, not '{TypeName(node)}'");
        }
    }

    /// <summary>Python str(x).</summary>
    public static string ToStr(JsonNode? node) => KindOf(node) == PythonKind.Str ? node!.GetValue<string>() : Repr(node);

    /// <summary>Python bool(x): truthiness.</summary>
    public static bool Truthy(JsonNode? node) => KindOf(node) switch
    {
        PythonKind.None => false,
        PythonKind.Bool => node!.GetValue<bool>(),
        PythonKind.Int => !IntValue(node!).IsZero,
        PythonKind.Float => FloatValue(node!) != 0.0,
        PythonKind.Str => node!.GetValue<string>().Length > 0,
        PythonKind.List => node!.AsArray().Count > 0,
        _ => node!.AsObject().Count > 0,
    };

    /// <summary>Python repr(x).</summary>
    public static string Repr(JsonNode? node)
    {
        switch (KindOf(node))
        {
            case PythonKind.None:
                return "None";
            case PythonKind.Bool:
                return node!.GetValue<bool>() ? "True" : "False";
            case PythonKind.Int:
                return IntValue(node!).ToString(CultureInfo.InvariantCulture);
            case PythonKind.Float:
                return FloatRepr(FloatValue(node!));
            case PythonKind.Str:
                return ReprString(node!.GetValue<string>());
            case PythonKind.List:
                return "[" + string.Join(", ", node!.AsArray().Select(Repr)) + "]";
            default:
                return "{" + string.Join(", ", node!.AsObject().Select(p => ReprString(p.Key) + ": " + Repr(p.Value))) + "}";
        }
    }

    /// <summary>repr() of a Python str: single quotes unless the text has ' and no ", escapes as CPython does.</summary>
    public static string ReprString(string text)
    {
        var quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        var sb = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var rune in text.EnumerateRunes())
        {
            var c = rune.Value;
            if (c == quote || c == '\\')
            {
                sb.Append('\\').Append((char)c);
            }
            else if (c == '\t')
            {
                sb.Append("\\t");
            }
            else if (c == '\n')
            {
                sb.Append("\\n");
            }
            else if (c == '\r')
            {
                sb.Append("\\r");
            }
            else if (c < 0x20 || c == 0x7f)
            {
                sb.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (c < 0x7f || IsPrintable(rune))
            {
                sb.Append(rune.ToString());
            }
            else if (c <= 0xff)
            {
                sb.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (c <= 0xffff)
            {
                sb.Append("\\u").Append(c.ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\U").Append(c.ToString("x8", CultureInfo.InvariantCulture));
            }
        }

        return sb.Append(quote).ToString();
    }

    /// <summary>Python repr(float): shortest round-trip digits, exponent form when the exponent is below -4 or above 15.</summary>
    public static string FloatRepr(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        var sign = double.IsNegative(value) ? "-" : string.Empty;
        if (value == 0)
        {
            return sign + "0.0";
        }

        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        var dot = r.IndexOf('.');
        var digits = dot >= 0 ? r.Remove(dot, 1) : r;
        var decimalPoint = (dot >= 0 ? dot : r.Length) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0').TrimEnd('0');
        decimalPoint -= leadingZeros;
        if (digits.Length == 0)
        {
            return sign + "0.0";
        }

        if (decimalPoint <= -4 || decimalPoint > 16)
        {
            var exp = decimalPoint - 1;
            var mantissa = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }

        if (decimalPoint <= 0)
        {
            return sign + "0." + new string('0', -decimalPoint) + digits;
        }

        if (decimalPoint >= digits.Length)
        {
            return sign + digits + new string('0', decimalPoint - digits.Length) + ".0";
        }

        return sign + digits[..decimalPoint] + "." + digits[decimalPoint..];
    }

    /// <summary>A JSON integer node for a Python int.</summary>
    public static JsonNode IntNode(BigInteger value) => JsonNode.Parse(value.ToString(CultureInfo.InvariantCulture))!;

    /// <summary>A JSON number node for a Python float that keeps its decimal point (1.0, not 1), as Python's json writes it.</summary>
    public static JsonNode FloatNode(double value) =>
        double.IsFinite(value) ? JsonNode.Parse(FloatRepr(value))! : JsonValue.Create(value);

    /// <summary>A JSON bool node.</summary>
    public static JsonNode BoolNode(bool value) => JsonValue.Create(value);

    /// <summary>Python <c>a &lt; b</c>; TypeError when the kinds cannot be ordered.</summary>
    public static bool LessThan(JsonNode? a, JsonNode? b) => Order(a, b, "<") is { } c && c < 0;

    /// <summary>Python <c>a &gt; b</c>; TypeError when the kinds cannot be ordered.</summary>
    public static bool GreaterThan(JsonNode? a, JsonNode? b) => Order(a, b, ">") is { } c && c > 0;

    /// <summary>Python <c>a == b</c> (1 == 1.0 == True, lists and dicts element-wise).</summary>
    public static bool PyEquals(JsonNode? a, JsonNode? b)
    {
        var ka = KindOf(a);
        var kb = KindOf(b);
        if (IsNumeric(ka) && IsNumeric(kb))
        {
            return Order(a, b, "==") == 0;
        }

        if (ka != kb)
        {
            return false;
        }

        switch (ka)
        {
            case PythonKind.None:
                return true;
            case PythonKind.Str:
                return a!.GetValue<string>() == b!.GetValue<string>();
            case PythonKind.List:
                var la = a!.AsArray();
                var lb = b!.AsArray();
                return la.Count == lb.Count && la.Zip(lb).All(p => PyEquals(p.First, p.Second));
            default:
                var da = a!.AsObject();
                var db = b!.AsObject();
                return da.Count == db.Count && da.All(p => db.TryGetPropertyValue(p.Key, out var other) && PyEquals(p.Value, other));
        }
    }

    private static bool IsNumeric(PythonKind kind) => kind is PythonKind.Int or PythonKind.Float or PythonKind.Bool;

    /// <summary>-1, 0, 1; null when unordered (NaN); TypeError for kinds Python cannot compare.</summary>
    private static int? Order(JsonNode? a, JsonNode? b, string op)
    {
        var ka = KindOf(a);
        var kb = KindOf(b);
        if (IsNumeric(ka) && IsNumeric(kb))
        {
            if (ka == PythonKind.Float || kb == PythonKind.Float)
            {
                if (ka == PythonKind.Float && kb == PythonKind.Float)
                {
                    var fa = FloatValue(a!);
                    var fb = FloatValue(b!);
                    return double.IsNaN(fa) || double.IsNaN(fb) ? null : fa.CompareTo(fb);
                }

                return ka == PythonKind.Float ? -CompareIntFloat(ExactInt(b!, kb), FloatValue(a!)) : CompareIntFloat(ExactInt(a!, ka), FloatValue(b!));
            }

            return ExactInt(a!, ka).CompareTo(ExactInt(b!, kb));
        }

        if (ka == PythonKind.Str && kb == PythonKind.Str)
        {
            return Math.Sign(string.CompareOrdinal(a!.GetValue<string>(), b!.GetValue<string>()));
        }

        if (op == "==")
        {
            return null;
        }

        throw new PythonException("TypeError", $"'{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    private static BigInteger ExactInt(JsonNode node, PythonKind kind) =>
        kind == PythonKind.Bool ? (node.GetValue<bool>() ? BigInteger.One : BigInteger.Zero) : IntValue(node);

    /// <summary>Exact comparison of an int with a float, as Python does; NaN is unordered.</summary>
    private static int? CompareIntFloat(BigInteger i, double f)
    {
        if (double.IsNaN(f))
        {
            return null;
        }

        if (double.IsInfinity(f))
        {
            return f > 0 ? -1 : 1;
        }

        var floor = Math.Floor(f);
        var c = i.CompareTo(new BigInteger(floor));
        if (c != 0)
        {
            return c;
        }

        return f == floor ? 0 : -1;
    }

    private static double IntToFloat(BigInteger value)
    {
        var f = (double)value;
        return double.IsInfinity(f) ? throw new PythonException("OverflowError", "int too large to convert to float") : f;
    }

    private static bool IsFloatNumber(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.GetRawText().AsSpan().IndexOfAny('.', 'e', 'E') >= 0;
        }

        return value.TryGetValue<double>(out _) || value.TryGetValue<float>(out _) || value.TryGetValue<decimal>(out _) || value.TryGetValue<Half>(out _);
    }

    private static string NumberText(JsonValue value)
    {
        if (value.TryGetValue<JsonElement>(out var element))
        {
            return element.GetRawText();
        }

        if (value.TryGetValue<double>(out var d))
        {
            return d.ToString("R", CultureInfo.InvariantCulture);
        }

        if (value.TryGetValue<float>(out var f))
        {
            return ((double)f).ToString("R", CultureInfo.InvariantCulture);
        }

        return value.ToJsonString();
    }

    /// <summary>CPython's int(str) for base 10: whitespace around, a sign, digits with single underscores between them.</summary>
    private static BigInteger? ParseIntLiteral(string text)
    {
        var s = text.Trim();
        if (!IntLiteral().IsMatch(s))
        {
            return null;
        }

        return BigInteger.Parse(s.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }

    /// <summary>CPython's float(str): decimal or exponent forms with underscores between digits, inf, infinity, nan.</summary>
    private static double? ParseFloatLiteral(string text)
    {
        var s = text.Trim();
        var special = s.TrimStart('+', '-').ToLowerInvariant();
        var negative = s.StartsWith('-');
        if (s.Length - special.Length <= 1)
        {
            if (special is "inf" or "infinity")
            {
                return negative ? double.NegativeInfinity : double.PositiveInfinity;
            }

            if (special == "nan")
            {
                return double.NaN;
            }
        }

        if (!FloatLiteral().IsMatch(s))
        {
            return null;
        }

        return double.Parse(s.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static bool IsPrintable(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        return category switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
            UnicodeCategory.SpaceSeparator => rune.Value == ' ',
            _ => true,
        };
    }

    [GeneratedRegex(@"^[+-]?[0-9](_?[0-9])*$")]
    private static partial Regex IntLiteral();

    [GeneratedRegex(@"^[+-]?(([0-9](_?[0-9])*)(\.([0-9](_?[0-9])*)?)?|\.[0-9](_?[0-9])*)([eE][+-]?[0-9](_?[0-9])*)?$")]
    private static partial Regex FloatLiteral();
}
