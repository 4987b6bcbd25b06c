using System.Text;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Queue;

namespace FluxAspire.ComfySim.History;

/// <summary>
/// ComfyUI's in-memory history: prompt_id → entry, oldest first, capped at 10 000 entries. Entries are stored as their
/// JSON text, written once when the prompt ends.
/// </summary>
public sealed class PromptHistory
{
    public const int MaximumSize = 10_000;

    private readonly Lock _lock = new();
    private readonly OrderedDictionary<string, string> _entries = new(StringComparer.Ordinal);

    public int Count
    {
        get { lock (_lock) { return _entries.Count; } }
    }

    public void Add(QueueItem item, JsonObject outputs, JsonObject status, JsonObject meta)
    {
        var entry = $"{{\"prompt\":{item.ToJsonArray()},\"outputs\":{ComfyJson.Serialize(outputs)}," +
            $"\"status\":{ComfyJson.Serialize(status)},\"meta\":{ComfyJson.Serialize(meta)}}}";
        lock (_lock)
        {
            if (_entries.Count > MaximumSize)
            {
                _entries.RemoveAt(0);
            }

            _entries[item.PromptId] = entry; // a reused id keeps its old position, like a Python dict
        }
    }

    /// <summary>GET /history/{id}: {"id": entry}, or {} when unknown, queued or running.</summary>
    public string GetOne(string promptId)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(promptId, out var entry) ? $"{{{Key(promptId)}:{entry}}}" : "{}";
        }
    }

    /// <summary>GET /history with ComfyUI's get_history(max_items, offset) arithmetic, quirks included.</summary>
    public string GetMany(long? maxItems, long offset)
    {
        var sb = new StringBuilder("{");
        lock (_lock)
        {
            if (offset < 0 && maxItems is not null)
            {
                offset = _entries.Count - maxItems.Value;
            }

            var i = 0L;
            var written = 0L;
            foreach (var (id, entry) in _entries)
            {
                if (i >= offset)
                {
                    if (written > 0) sb.Append(',');
                    sb.Append(Key(id)).Append(':').Append(entry);
                    written++;
                    if (maxItems is not null && written >= maxItems.Value)
                    {
                        break;
                    }
                }

                i++;
            }
        }

        return sb.Append('}').ToString();
    }

    public void Delete(string promptId)
    {
        lock (_lock) { _entries.Remove(promptId); }
    }

    public void Clear()
    {
        lock (_lock) { _entries.Clear(); }
    }

    private static string Key(string id) => ComfyJson.Serialize(JsonValue.Create(id));
}
