using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Execution;
using FluxAspire.ComfySim.Queue;

namespace FluxAspire.ComfySim.History;

/// <summary>GET /history (?max_items, ?offset), GET /history/{id}, POST /history (delete / clear).</summary>
public static class HistoryRoutes
{
    public static IEndpointRouteBuilder MapHistoryRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("history", (HttpRequest request, PromptHistory history) =>
        {
            long? maxItems = null;
            var offset = -1L;
            if (request.Query.TryGetValue("max_items", out var max))
            {
                if (!TryPythonInt(max.ToString(), out var parsed)) return ComfyJson.InternalServerError();
                maxItems = parsed;
            }

            if (request.Query.TryGetValue("offset", out var off) && !TryPythonInt(off.ToString(), out offset))
            {
                return ComfyJson.InternalServerError();
            }

            return Results.Text(history.GetMany(maxItems, offset), ComfyJson.ContentType);
        });

        routes.MapGet("history/{promptId}", (string promptId, PromptHistory history) =>
            Results.Text(history.GetOne(promptId), ComfyJson.ContentType));

        routes.MapPost("history", async (HttpRequest request, PromptHistory history) =>
        {
            if (await QueueRoutes.ReadJsonAsync(request) is not (true, JsonObject json))
            {
                return ComfyJson.InternalServerError();
            }

            if (json.ContainsKey("clear") && PromptRoutes.IsTruthy(json["clear"]))
            {
                history.Clear();
            }

            if (json.ContainsKey("delete"))
            {
                if (QueueRoutes.PythonIterable(json["delete"]) is not { } ids) return ComfyJson.InternalServerError();
                foreach (var id in ids)
                {
                    history.Delete(id);
                }
            }

            return ComfyJson.EmptyOk();
        });

        return routes;
    }

    /// <summary>Python's int(str): optional sign, digits, surrounding whitespace.</summary>
    private static bool TryPythonInt(string text, out long value) =>
        long.TryParse(text.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
