using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Queue;
using FluxAspire.ComfySim.Validation;

namespace FluxAspire.ComfySim.Execution;

/// <summary>POST /prompt and GET /prompt, as server.py's post_prompt / get_prompt.</summary>
public static class PromptRoutes
{
    private static readonly string[] SensitiveExtraDataKeys = ["auth_token_comfy_org", "api_key_comfy_org"];

    public static IEndpointRouteBuilder MapPromptRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("prompt", (PromptQueue queue) => ComfyJson.Ok(PromptQueue.QueueInfo(queue.QueueRemaining)));
        routes.MapPost("prompt", PostPromptAsync);
        return routes;
    }

    private static async Task<IResult> PostPromptAsync(HttpRequest request, PromptCounter counter, PromptValidator validator,
        PromptQueue queue, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("FluxAspire.ComfySim.Prompt");
        logger.LogInformation("got prompt");
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(request.Body, documentOptions: new JsonDocumentOptions { MaxDepth = 1000 });
        }
        catch (JsonException)
        {
            return ComfyJson.InternalServerError();
        }

        // Python evaluates `"number" in json_data` and `"prompt" in json_data` on whatever the body decoded to.
        if (body is not JsonObject json)
        {
            return NonObjectBody(body, counter);
        }

        string numberJson;
        double number;
        if (json.ContainsKey("number"))
        {
            if (!TryPythonFloat(json["number"], out number))
            {
                return ComfyJson.InternalServerError();
            }

            numberJson = PythonText.FloatRepr(number);
        }
        else
        {
            var assigned = counter.Next();
            if (json.ContainsKey("front") && IsTruthy(json["front"]))
            {
                assigned = -assigned;
            }

            number = assigned;
            numberJson = assigned.ToString(CultureInfo.InvariantCulture);
        }

        if (!json.ContainsKey("prompt"))
        {
            return ComfyJson.Status(400, new JsonObject
            {
                ["error"] = new JsonObject { ["type"] = "no_prompt", ["message"] = "No prompt provided", ["details"] = "No prompt provided", ["extra_info"] = new JsonObject() },
                ["node_errors"] = new JsonObject(),
            });
        }

        if (json["prompt"] is not JsonObject prompt)
        {
            return ComfyJson.InternalServerError(); // validate_prompt iterates prompt.keys(): a list (or anything else) raises
        }

        var promptId = json.ContainsKey("prompt_id") ? PythonStr(json["prompt_id"]) : Guid.NewGuid().ToString();
        IReadOnlyCollection<string>? targets = json["partial_execution_targets"] is JsonArray array
            ? [.. array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>())]
            : null;

        var validation = validator.Validate(prompt, targets);

        JsonObject extraData;
        if (!json.ContainsKey("extra_data"))
        {
            extraData = [];
        }
        else if (json["extra_data"] is JsonObject given)
        {
            extraData = given;
        }
        else if (json.ContainsKey("client_id") || validation.Ok)
        {
            return ComfyJson.InternalServerError(); // extra_data["client_id"] = … on a non-dict raises
        }
        else
        {
            extraData = [];
        }

        if (json.ContainsKey("client_id"))
        {
            extraData["client_id"] = json["client_id"]?.DeepClone();
        }

        if (!validation.Ok)
        {
            logger.LogWarning("invalid prompt: {Error}", validation.Error?.ToJsonString());
            return ComfyJson.Status(400, new JsonObject { ["error"] = validation.Error?.DeepClone(), ["node_errors"] = validation.NodeErrors.DeepClone() });
        }

        foreach (var key in SensitiveExtraDataKeys)
        {
            extraData.Remove(key);
        }

        // Detach the graph and extra_data from the request document: the queue item owns them from now on.
        json.Remove("prompt");
        json.Remove("extra_data");
        queue.Put(new QueueItem(number, numberJson, promptId, prompt, extraData, validation.GoodOutputs));
        return ComfyJson.Ok(new JsonObject
        {
            ["prompt_id"] = promptId,
            ["number"] = JsonNode.Parse(numberJson),
            ["node_errors"] = validation.NodeErrors.DeepClone(),
        });
    }

    /// <summary>A JSON array or string body: `in` tests membership / substring; anything else raises.</summary>
    private static IResult NonObjectBody(JsonNode? body, PromptCounter counter)
    {
        bool Contains(string key) => body switch
        {
            JsonArray a => a.Any(e => e is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == key),
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Contains(key, StringComparison.Ordinal),
            _ => throw new InvalidOperationException(),
        };

        var isListOrString = body is JsonArray || (body is JsonValue sv && sv.GetValueKind() == JsonValueKind.String);
        if (!isListOrString)
        {
            return ComfyJson.InternalServerError();
        }

        if (Contains("number"))
        {
            return ComfyJson.InternalServerError(); // json_data['number'] on a list/str raises
        }

        counter.Next();
        return Contains("prompt")
            ? ComfyJson.InternalServerError()
            : ComfyJson.Status(400, new JsonObject
            {
                ["error"] = new JsonObject { ["type"] = "no_prompt", ["message"] = "No prompt provided", ["details"] = "No prompt provided", ["extra_info"] = new JsonObject() },
                ["node_errors"] = new JsonObject(),
            });
    }

    /// <summary>Python's float(x) for a decoded JSON value.</summary>
    private static bool TryPythonFloat(JsonNode? node, out double value)
    {
        value = 0;
        if (node is not JsonValue v)
        {
            return false;
        }

        switch (v.GetValueKind())
        {
            case JsonValueKind.Number:
                return double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            case JsonValueKind.True:
                value = 1;
                return true;
            case JsonValueKind.False:
                return true;
            case JsonValueKind.String:
                var s = v.GetValue<string>().Trim().Replace("_", "", StringComparison.Ordinal);
                switch (s.ToLowerInvariant())
                {
                    case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
                    case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
                    case "nan" or "+nan" or "-nan": value = double.NaN; return true;
                }

                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            default:
                return false;
        }
    }

    /// <summary>Python's str(x) for a decoded JSON value (prompt_id).</summary>
    private static string PythonStr(JsonNode? node) => node switch
    {
        null => "None",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "True",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "False",
        JsonValue v when v.ToJsonString() is var text && (text.Contains('.') || text.Contains('e') || text.Contains('E')) =>
            PythonText.FloatRepr(double.Parse(text, CultureInfo.InvariantCulture)),
        JsonValue v => v.ToJsonString(),
        _ => PythonText.Repr(node),
    };

    /// <summary>Python truthiness of a decoded JSON value.</summary>
    public static bool IsTruthy(JsonNode? node) => node switch
    {
        null => false,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => v.GetValue<string>().Length > 0,
            JsonValueKind.Number => double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d != 0,
            _ => false,
        },
        _ => false,
    };
}

/// <summary>The server's priority counter: every POST /prompt without "number" takes the next value, even if rejected.</summary>
public sealed class PromptCounter
{
    private long _next;

    public long Next() => Interlocked.Increment(ref _next) - 1;
}
