using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Delivery.Storage;

/// <summary>Reads one upload key's object ({bucket, prefix, async}, …): each bad or unknown field is an error keyed
/// "&lt;key&gt;.&lt;field&gt;", as http_upload's are.</summary>
internal sealed class UploadFields(string key, JsonObject raw, IDictionary<string, string[]> errors, params string[] known)
{
    private readonly int _before = errors.Count;

    public bool Valid => errors.Count == _before;

    /// <summary>A string field; <paramref name="fallback"/> null makes it required.</summary>
    public string? Text(string field, string? fallback = null, bool allowEmpty = false)
    {
        switch (raw[field])
        {
            case null when fallback is not null:
                return fallback;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && (allowEmpty || v.GetValue<string>().Length > 0):
                return v.GetValue<string>();
            default:
                errors[$"{key}.{field}"] = [fallback is null ? "is required and must be a non-empty string" : "must be a string"];
                return null;
        }
    }

    /// <summary>The recipe's async flag: false when left out.</summary>
    public bool Async()
    {
        if (raw["async"] is not { } node) return false;
        if (node.GetValueKind() is JsonValueKind.True or JsonValueKind.False) return node.GetValue<bool>();
        errors[$"{key}.async"] = ["must be true or false"];
        return false;
    }

    public void RefuseUnknown()
    {
        foreach (var (field, _) in raw)
        {
            if (!known.Contains(field)) errors[$"{key}.{field}"] = [$"is not a known field ({string.Join(", ", known)})"];
        }
    }

    public void Fail(string field, string message) => errors[$"{key}.{field}"] = [message];
}
