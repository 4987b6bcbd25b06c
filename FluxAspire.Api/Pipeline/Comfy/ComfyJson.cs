using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>Reads ComfyUI's JSON, which Python writes with bare NaN/Infinity tokens that strict JSON rejects.</summary>
public static class ComfyJson
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, MaxDepth = 256 };

    public static JsonNode? Parse(string text) => JsonNode.Parse(ReplaceNamedNumbers(text), documentOptions: DocumentOptions);

    public static JsonObject ParseObject(string text) =>
        Parse(text) as JsonObject ?? throw new JsonException("expected a JSON object from ComfyUI");

    /// <summary>Turns bare NaN, Infinity and -Infinity (outside strings) into the strings "NaN", "Infinity", "-Infinity".</summary>
    public static string ReplaceNamedNumbers(string text)
    {
        if (!text.Contains("NaN", StringComparison.Ordinal) && !text.Contains("Infinity", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length + 16);
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                result.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                {
                    result.Append(text[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
                result.Append(c);
                continue;
            }

            var token = Match(text, i, "NaN") ?? Match(text, i, "Infinity") ?? Match(text, i, "-Infinity");
            if (token is not null)
            {
                result.Append('"').Append(token).Append('"');
                i += token.Length - 1;
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    private static string? Match(string text, int at, string token) =>
        string.CompareOrdinal(text, at, token, 0, token.Length) == 0 ? token : null;
}
