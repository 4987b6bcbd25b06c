using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Outputs;

/// <summary>
/// The recipe's <c>convert_output</c>: <c>{format: "jpeg"|"jpg"|"webp", options}</c> with sharp's option names and
/// defaults. Every option is validated; SkiaSharp honours quality and chromaSubsampling (JPEG) and quality, lossless
/// and effort (WebP, effort only when lossless). The rest are accepted for compatibility and have no effect; an option of
/// the other format is refused.
/// </summary>
public sealed record ConvertOutputOptions(string Format, JpegOptions? Jpeg, WebpOptions? Webp)
{
    private const string Field = "convert_output";

    public static readonly IReadOnlyList<string> Formats = ["jpeg", "jpg", "webp"];

    /// <summary>The file extension the converted outputs get, with the dot: the format as requested.</summary>
    public string Extension => "." + Format;

    /// <summary>Reads and validates the field; null when it is absent (outputs stay PNG) or invalid (errors added,
    /// keyed by field path, e.g. "convert_output.options.quality").</summary>
    public static ConvertOutputOptions? Parse(JsonObject? convertOutput, IDictionary<string, string[]> errors)
    {
        if (convertOutput is null)
        {
            return null;
        }

        var errorsBefore = errors.Count;
        var format = convertOutput["format"];
        if (format is null)
        {
            errors[$"{Field}.format"] = [$"is required: one of {string.Join(", ", Formats)}"];
            return null;
        }

        if (format.GetValueKind() != JsonValueKind.String || format.GetValue<string>() is not { } name || !Formats.Contains(name))
        {
            errors[$"{Field}.format"] = [format.GetValueKind() == JsonValueKind.String && format.GetValue<string>() == "png"
                ? "png is the output format already; omit convert_output to get PNG, or use one of jpeg, jpg, webp"
                : $"must be one of {string.Join(", ", Formats)}"];
            return null;
        }

        foreach (var (key, _) in convertOutput)
        {
            if (key is not ("format" or "options"))
            {
                errors[$"{Field}.{key}"] = ["is not a convert_output field (format, options)"];
            }
        }

        var options = convertOutput["options"];
        if (options is not null and not JsonObject)
        {
            errors[$"{Field}.options"] = ["must be an object"];
            return null;
        }

        var reader = new OptionReader((JsonObject?)options ?? [], $"{Field}.options", errors);
        var result = name == "webp"
            ? new ConvertOutputOptions(name, null, WebpOptions.Read(reader))
            : new ConvertOutputOptions(name, JpegOptions.Read(reader), null);
        if (name == "webp")
        {
            reader.RejectUnknown("webp", WebpOptions.Names, "jpeg", JpegOptions.Names);
        }
        else
        {
            reader.RejectUnknown(name, JpegOptions.Names, "webp", WebpOptions.Names);
        }
        return errors.Count == errorsBefore ? result : null;
    }
}

/// <summary>sharp's JPEG options with their defaults.</summary>
public sealed record JpegOptions(
    int Quality = 80,
    bool Progressive = false,
    string ChromaSubsampling = "4:2:0",
    bool OptimizeCoding = true,
    bool Mozjpeg = false,
    bool TrellisQuantisation = false,
    bool OvershootDeringing = false,
    bool OptimizeScans = false,
    int QuantisationTable = 0)
{
    public static readonly IReadOnlyList<string> Names =
        ["quality", "progressive", "chromaSubsampling", "optimizeCoding", "mozjpeg", "trellisQuantisation", "overshootDeringing", "optimizeScans", "quantisationTable"];

    public static readonly IReadOnlyList<string> ChromaSubsamplings = ["4:2:0", "4:4:4"];

    internal static JpegOptions Read(OptionReader options)
    {
        var defaults = new JpegOptions();
        return new JpegOptions(
            options.Int("quality", defaults.Quality, 1, 100),
            options.Bool("progressive", defaults.Progressive),
            options.Choice("chromaSubsampling", defaults.ChromaSubsampling, ChromaSubsamplings),
            options.Bool("optimizeCoding", defaults.OptimizeCoding),
            options.Bool("mozjpeg", defaults.Mozjpeg),
            options.Bool("trellisQuantisation", defaults.TrellisQuantisation),
            options.Bool("overshootDeringing", defaults.OvershootDeringing),
            options.Bool("optimizeScans", defaults.OptimizeScans),
            options.Int("quantisationTable", defaults.QuantisationTable, 0, 8));
    }
}

/// <summary>sharp's WebP options with their defaults.</summary>
public sealed record WebpOptions(
    int Quality = 80,
    int AlphaQuality = 100,
    bool Lossless = false,
    bool NearLossless = false,
    bool SmartSubsample = false,
    string Preset = "default",
    int Effort = 4)
{
    public static readonly IReadOnlyList<string> Names =
        ["quality", "alphaQuality", "lossless", "nearLossless", "smartSubsample", "preset", "effort"];

    public static readonly IReadOnlyList<string> Presets = ["default", "photo", "picture", "drawing", "icon", "text"];

    internal static WebpOptions Read(OptionReader options)
    {
        var defaults = new WebpOptions();
        return new WebpOptions(
            options.Int("quality", defaults.Quality, 1, 100),
            options.Int("alphaQuality", defaults.AlphaQuality, 0, 100),
            options.Bool("lossless", defaults.Lossless),
            options.Bool("nearLossless", defaults.NearLossless),
            options.Bool("smartSubsample", defaults.SmartSubsample),
            options.Choice("preset", defaults.Preset, Presets),
            options.Int("effort", defaults.Effort, 0, 6));
    }
}

/// <summary>Typed reads of one options object; each bad value adds an error under its field path.</summary>
internal sealed class OptionReader(JsonObject options, string path, IDictionary<string, string[]> errors)
{
    public int Int(string name, int fallback, int min, int max)
    {
        if (options[name] is not { } value)
        {
            return fallback;
        }

        if (value.GetValueKind() != JsonValueKind.Number || !value.AsValue().TryGetValue<double>(out var number) || number != Math.Floor(number))
        {
            errors[$"{path}.{name}"] = [$"must be an integer between {min} and {max}"];
            return fallback;
        }

        if (number < min || number > max)
        {
            errors[$"{path}.{name}"] = [$"must be between {min} and {max}"];
            return fallback;
        }

        return (int)number;
    }

    public bool Bool(string name, bool fallback)
    {
        if (options[name] is not { } value)
        {
            return fallback;
        }

        if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors[$"{path}.{name}"] = ["must be true or false"];
            return fallback;
        }

        return value.GetValue<bool>();
    }

    public string Choice(string name, string fallback, IReadOnlyList<string> choices)
    {
        if (options[name] is not { } value)
        {
            return fallback;
        }

        if (value.GetValueKind() != JsonValueKind.String || !choices.Contains(value.GetValue<string>()))
        {
            errors[$"{path}.{name}"] = [$"must be one of {string.Join(", ", choices)}"];
            return fallback;
        }

        return value.GetValue<string>();
    }

    /// <summary>Every key must be an option of the chosen format: an option of the other one (jpeg with webp's effort)
    /// would be silently ignored, so it is refused like a typo, with a message saying which format it belongs to.</summary>
    public void RejectUnknown(string format, IReadOnlyList<string> known, string otherFormat, IReadOnlyList<string> otherNames)
    {
        foreach (var (key, _) in options)
        {
            if (!known.Contains(key))
            {
                errors[$"{path}.{key}"] = [otherNames.Contains(key)
                    ? $"is a {otherFormat} option, not a {format} one; the {format} options are {string.Join(", ", known)}"
                    : $"is not an option; the options are {string.Join(", ", known)}"];
            }
        }
    }
}
