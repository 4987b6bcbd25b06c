using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.WebSockets;

namespace FluxAspire.ComfySim.Faults;

/// <summary>
/// Simulator-only fault injection (not part of ComfyUI, not under /api):
/// POST /sim/faults sets faults (a key with null clears that one), GET shows them, DELETE clears them all.
/// </summary>
public static class FaultRoutes
{
    private static readonly string[] Keys = ["fail_node", "stall", "drop_websockets", "exit_process"];

    public static IEndpointRouteBuilder MapFaultEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/sim/faults", (FaultState faults) => Results.Json(faults.ToJson()));
        routes.MapDelete("/sim/faults", (FaultState faults) =>
        {
            faults.Clear();
            return Results.Json(faults.ToJson());
        });
        routes.MapPost("/sim/faults", async (HttpRequest request, FaultState faults, WebSocketHub hub) =>
        {
            JsonObject body;
            try
            {
                body = await JsonNode.ParseAsync(request.Body) as JsonObject
                    ?? throw new FaultException("the body must be a JSON object");
                var unknown = body.Select(p => p.Key).Where(k => !Keys.Contains(k)).ToList();
                if (unknown.Count > 0)
                {
                    throw new FaultException($"unknown fault(s): {string.Join(", ", unknown)}; known: {string.Join(", ", Keys)}");
                }

                // Parse everything before applying anything, so a bad request changes nothing.
                var failNode = body.ContainsKey("fail_node") ? Optional(body["fail_node"], "fail_node", f => new FailNodeFault(
                    Match(f, "fail_node"), Text(f, "exception_type", "fail_node") ?? "RuntimeError", Text(f, "message", "fail_node") ?? "Simulated failure")) : null;
                var stall = body.ContainsKey("stall") ? Optional(body["stall"], "stall", s => new StallFault(Match(s, "stall"))) : null;
                var exit = body.ContainsKey("exit_process") ? Optional(body["exit_process"], "exit_process", e => new ExitProcessFault(
                    Match(e, "exit_process"), e["exit_code"] is JsonValue c && c.TryGetValue<int>(out var code) ? code
                        : e.ContainsKey("exit_code") ? throw new FaultException("exit_process.exit_code must be an integer") : 137)) : null;
                var drop = body["drop_websockets"] switch
                {
                    null => false,
                    JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
                    _ => throw new FaultException("drop_websockets must be true or false"),
                };

                if (body.ContainsKey("fail_node")) faults.FailNode = failNode;
                if (body.ContainsKey("stall")) faults.Stall = stall;
                if (body.ContainsKey("exit_process")) faults.ExitProcess = exit;
                var result = faults.ToJson();
                if (drop)
                {
                    result["dropped_websockets"] = hub.AbortAll();
                }

                return Results.Json(result);
            }
            catch (Exception ex) when (ex is JsonException or FaultException)
            {
                return Results.Problem(title: "Invalid fault request", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        });
        return routes;
    }

    private static T? Optional<T>(JsonNode? node, string key, Func<JsonObject, T> parse) where T : class => node switch
    {
        null => null,
        JsonObject obj => parse(obj),
        _ => throw new FaultException($"{key} must be an object or null"),
    };

    private static NodeMatch Match(JsonObject fault, string key)
    {
        var allowed = new[] { "class_type", "node_id", "exception_type", "message", "exit_code" };
        var unknown = fault.Select(p => p.Key).Where(k => !allowed.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new FaultException($"{key}: unknown field(s) {string.Join(", ", unknown)}");
        }

        var match = new NodeMatch(Text(fault, "class_type", key), Text(fault, "node_id", key));
        return match.ClassType is null && match.NodeId is null
            ? throw new FaultException($"{key} needs \"class_type\" or \"node_id\"")
            : match;
    }

    private static string? Text(JsonObject fault, string name, string key) => fault[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new FaultException($"{key}.{name} must be a string"),
    };

    private sealed class FaultException(string message) : Exception(message);
}
