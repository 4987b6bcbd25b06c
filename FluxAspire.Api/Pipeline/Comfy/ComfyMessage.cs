using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>One JSON text frame from ComfyUI's WebSocket: {"type": ..., "data": {...}}.</summary>
public sealed record ComfyMessage(string Type, JsonObject Data, DateTimeOffset ReceivedAt)
{
    /// <summary>The image of a <see cref="ComfyPreviewFrame"/> (a binary frame); null for text messages.</summary>
    public byte[]? Image { get; init; }

    public string? PromptId => Data.TryGetPropertyValue("prompt_id", out var id) ? ComfyValues.AsString(id) : null;

    /// <summary>The node of an "executing"/"executed"/"progress" message; null for "executing" at the end of a prompt.</summary>
    public string? Node => Data.TryGetPropertyValue("node", out var node) ? ComfyValues.AsString(node) : null;

    public bool IsPromptFinished => Type == "executing" && Data.ContainsKey("node") && Node is null && PromptId is not null;

    public bool IsTerminal => IsPromptFinished || Type is "execution_success" or "execution_error" or "execution_interrupted";

    /// <summary>Parses a text frame; null for anything that is not a JSON object with a string "type".</summary>
    public static ComfyMessage? TryParse(string text, DateTimeOffset receivedAt)
    {
        try
        {
            if (ComfyJson.Parse(text) is not JsonObject root ||
                root["type"] is not JsonValue typeValue || typeValue.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                return null;
            }

            var data = root["data"] as JsonObject ?? [];
            root.Remove("data");
            return new ComfyMessage(typeValue.GetValue<string>(), data, receivedAt);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
