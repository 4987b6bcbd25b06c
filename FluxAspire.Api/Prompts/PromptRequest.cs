using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace FluxAspire.Api.Prompts;

/// <summary>POST /prompt: any ComfyUI API-format graph, plus an optional request id.</summary>
public sealed record PromptRequest
{
    /// <summary>Node id → {class_type, inputs}. At least one node needs a string "filename_prefix" input (e.g. SaveImage).</summary>
    [JsonPropertyName("prompt")]
    public JsonObject? Prompt { get; init; }

    /// <summary>Request id; a new UUID when left out. Becomes ComfyUI's prompt_id and prefixes output file names.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }
}
