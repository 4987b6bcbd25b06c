using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Prompts;

/// <summary>Checks the shape of a client's graph and prepares it for ComfyUI (the recipe's pre-processing).</summary>
public static class PromptGraph
{
    public const string FilenamePrefixMissing = "must contain a node with a string \"filename_prefix\" input, such as SaveImage";

    /// <summary>Shape errors keyed by path ("prompt.31.class_type"). ComfyUI validates the rest and its node_errors come back as 400.</summary>
    public static Dictionary<string, string[]> Validate(JsonObject? prompt)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (prompt is null)
        {
            errors["prompt"] = ["is required"];
            return errors;
        }

        if (prompt.Count == 0)
        {
            errors["prompt"] = ["must contain at least one node"];
            return errors;
        }

        foreach (var (id, node) in prompt)
        {
            if (node is not JsonObject n)
            {
                errors[$"prompt.{id}"] = ["must be an object with class_type and inputs"];
                continue;
            }

            if (n["class_type"] is not JsonValue classType || classType.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(classType.GetValue<string>()))
            {
                errors[$"prompt.{id}.class_type"] = ["is required and must be a string"];
            }

            if (n["inputs"] is not JsonObject)
            {
                errors[$"prompt.{id}.inputs"] = ["is required and must be an object"];
            }
        }

        if (errors.Count == 0 && !prompt.Any(p => FilenamePrefix(p.Value) is not null))
        {
            errors["prompt"] = [FilenamePrefixMissing];
        }

        return errors;
    }

    /// <summary>A copy whose filename prefixes start with the request id ("&lt;id&gt;_ComfyUI"), as the recipe's
    /// PREPEND_FILENAMES default does, so outputs are "&lt;id&gt;_ComfyUI_00001_.png".</summary>
    public static JsonObject WithIdPrefix(JsonObject prompt, string id)
    {
        var copy = prompt.DeepClone().AsObject();
        foreach (var (_, node) in copy)
        {
            if (FilenamePrefix(node) is { } prefix)
            {
                node!["inputs"]!["filename_prefix"] = $"{id}_{prefix}";
            }
        }

        return copy;
    }

    private static string? FilenamePrefix(JsonNode? node) =>
        node?["inputs"] is JsonObject inputs && inputs["filename_prefix"] is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : null;
}
