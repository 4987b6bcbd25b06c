using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Execution;

namespace FluxAspire.ComfySim.Queue;

/// <summary>GET/POST /queue, POST /interrupt and POST /free, as in server.py.</summary>
public static class QueueRoutes
{
    public static IEndpointRouteBuilder MapQueueRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("queue", (PromptQueue queue) =>
        {
            var (running, pending) = queue.Snapshot();
            var sb = new StringBuilder("{\"queue_running\":[");
            sb.AppendJoin(',', running.Select(i => i.ToJsonArray()));
            sb.Append("],\"queue_pending\":[");
            sb.AppendJoin(',', pending.Select(i => i.ToJsonArray()));
            sb.Append("]}");
            return Results.Text(sb.ToString(), ComfyJson.ContentType);
        });

        routes.MapPost("queue", async (HttpRequest request, PromptQueue queue) =>
        {
            if (await ReadJsonAsync(request) is not (true, JsonObject json))
            {
                return ComfyJson.InternalServerError();
            }

            if (json.ContainsKey("clear") && PromptRoutes.IsTruthy(json["clear"]))
            {
                queue.WipeQueue();
            }

            if (json.ContainsKey("delete"))
            {
                if (PythonIterable(json["delete"]) is not { } ids)
                {
                    return ComfyJson.InternalServerError();
                }

                foreach (var id in ids)
                {
                    queue.Delete(id);
                }
            }

            return ComfyJson.EmptyOk();
        });

        routes.MapPost("interrupt", async (HttpRequest request, PromptQueue queue, InterruptSignal interrupt, ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger("FluxAspire.ComfySim.Interrupt");
            var (parsed, body) = await ReadJsonAsync(request);
            var json = parsed ? body : new JsonObject(); // a missing or invalid body counts as {}
            if (json is not JsonObject obj)
            {
                return ComfyJson.InternalServerError(); // json_data.get on a list raises
            }

            var promptId = obj["prompt_id"];
            if (PromptRoutes.IsTruthy(promptId))
            {
                if (promptId is JsonValue v && v.GetValueKind() == JsonValueKind.String && queue.IsRunning(v.GetValue<string>()))
                {
                    logger.LogInformation("Interrupting prompt {PromptId}", v.GetValue<string>());
                    interrupt.Request();
                }
                else
                {
                    logger.LogInformation("Prompt {PromptId} is not currently running, skipping interrupt", promptId!.ToJsonString());
                }
            }
            else
            {
                logger.LogInformation("Global interrupt (no prompt_id specified)");
                interrupt.Request();
            }

            return ComfyJson.EmptyOk();
        });

        routes.MapPost("free", async (HttpRequest request, PromptQueue queue) =>
        {
            if (await ReadJsonAsync(request) is not (true, JsonObject json))
            {
                return ComfyJson.InternalServerError();
            }

            queue.SetFlags(PromptRoutes.IsTruthy(json["unload_models"]), PromptRoutes.IsTruthy(json["free_memory"]));
            return ComfyJson.EmptyOk();
        });

        return routes;
    }

    /// <summary>
    /// The ids a Python <c>for id in value</c> visits: list elements (only strings can match a prompt id), a string's
    /// characters, an object's keys; null for values Python cannot iterate (ComfyUI then answers 500).
    /// </summary>
    internal static IReadOnlyList<string>? PythonIterable(JsonNode? value) => value switch
    {
        JsonArray array => [.. array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>())],
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [.. v.GetValue<string>().Select(c => c.ToString())],
        JsonObject obj => [.. obj.Select(p => p.Key)],
        _ => null,
    };

    /// <summary>aiohttp's request.json(): false when the body is not JSON (ComfyUI then answers 500).</summary>
    internal static async Task<(bool Parsed, JsonNode? Json)> ReadJsonAsync(HttpRequest request)
    {
        try
        {
            return (true, await JsonNode.ParseAsync(request.Body));
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }
}
