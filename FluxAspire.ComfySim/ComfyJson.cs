using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.ComfySim;

/// <summary>JSON the way ComfyUI (aiohttp + Python's json) sends it.</summary>
public static class ComfyJson
{
    public const string ContentType = "application/json; charset=utf-8";

    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.Default, // escapes non-ASCII as \uXXXX, as Python's json.dumps does
        WriteIndented = false,
    };

    public static IResult Ok(JsonNode? body) => Results.Text(Serialize(body), ContentType, statusCode: StatusCodes.Status200OK);

    public static IResult Status(int statusCode, JsonNode? body) => Results.Text(Serialize(body), ContentType, statusCode: statusCode);

    public static string Serialize(JsonNode? node) => node?.ToJsonString(Options) ?? "null";

    /// <summary>aiohttp's answer to an unhandled exception in a handler (e.g. malformed JSON).</summary>
    public static IResult InternalServerError() =>
        Results.Text("500 Internal Server Error\n\nServer got itself in trouble", "text/plain; charset=utf-8", statusCode: 500);

    /// <summary>An empty 200, as ComfyUI's POST /queue, /interrupt, /free and /history answer.</summary>
    public static IResult EmptyOk() => Results.StatusCode(StatusCodes.Status200OK);

    public static long NowMilliseconds() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
