using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>One entry of GET /history/{id}: the authority on how a prompt ended.</summary>
public sealed class ComfyHistoryEntry
{
    private ComfyHistoryEntry(string status, bool completed, IReadOnlyList<(string Name, JsonObject Data)> messages, IReadOnlyList<ComfyFileRef> files)
    {
        Status = status;
        Completed = completed;
        Messages = messages;
        Files = files;
    }

    /// <summary>"success" or "error" (error also covers interrupts).</summary>
    public string Status { get; }

    public bool Completed { get; }

    public IReadOnlyList<(string Name, JsonObject Data)> Messages { get; }

    /// <summary>Every output file with a filename, in history order.</summary>
    public IReadOnlyList<ComfyFileRef> Files { get; }

    public bool Succeeded => Status == "success";

    public JsonObject? Message(string name) => Messages.FirstOrDefault(m => m.Name == name).Data;

    public static ComfyHistoryEntry Parse(JsonObject entry)
    {
        var status = entry["status"] as JsonObject;
        var messages = new List<(string, JsonObject)>();
        if (status?["messages"] is JsonArray list)
        {
            foreach (var item in list.OfType<JsonArray>())
            {
                if (item.Count == 2 && ComfyValues.AsString(item[0]) is { } name && item[1] is JsonObject data)
                {
                    messages.Add((name, data));
                }
            }
        }

        var files = new List<ComfyFileRef>();
        if (entry["outputs"] is JsonObject outputs)
        {
            foreach (var (nodeId, nodeOutput) in outputs)
            {
                if (nodeOutput is not JsonObject byKind)
                {
                    continue;
                }

                foreach (var (_, items) in byKind)
                {
                    foreach (var item in (items as JsonArray ?? []).OfType<JsonObject>())
                    {
                        if (ComfyValues.AsString(item["filename"]) is { } filename)
                        {
                            files.Add(new ComfyFileRef(nodeId, filename, ComfyValues.AsString(item["subfolder"]) ?? "",
                                ComfyValues.AsString(item["type"]) ?? "output"));
                        }
                    }
                }
            }
        }

        return new ComfyHistoryEntry(ComfyValues.AsString(status?["status_str"]) ?? "unknown", ComfyValues.AsBool(status?["completed"]), messages, files);
    }
}
