using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery;
using FluxAspire.Api.Pipeline.Problems;

namespace FluxAspire.Api.Endpoints.Errors;

/// <summary>
/// Reads a request's free-form JSON (a workflow body, a ComfyUI graph, an auth object) completely before anything
/// uses it. System.Text.Json's nodes are lazy: a duplicate key, invalid UTF-8 or a lone surrogate (<c>"\ud800"</c>)
/// inside one only throws when a handler touches it, as an ArgumentException or InvalidOperationException that
/// would become a 500. Here each one is a <see cref="InvalidJsonValueException"/> naming the field, so the request
/// gets a 400.
/// </summary>
internal sealed class StrictJsonNodeConverter<TNode> : JsonConverter<TNode> where TNode : JsonNode
{
    public override TNode? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        if (typeof(TNode) == typeof(JsonObject) && element.ValueKind != JsonValueKind.Object
            || typeof(TNode) == typeof(JsonArray) && element.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException($"The JSON value could not be converted to {typeof(TNode).Name}.");
        }

        Validate(element, "");
        var node = element.ValueKind switch
        {
            JsonValueKind.Object => JsonObject.Create(element),
            JsonValueKind.Array => JsonArray.Create(element),
            _ => (JsonNode?)JsonValue.Create(element),
        };
        // Kept in the key order the recipe's (JavaScript) server would see, so what we echo matches what it writes.
        JavaScriptKeyOrder.Apply(node);
        return (TNode?)node;
    }

    public override void Write(Utf8JsonWriter writer, TNode value, JsonSerializerOptions options) => value.WriteTo(writer, options);

    private static void Validate(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var name = ReadString(() => property.Name, path);
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!names.Add(name))
                    {
                        throw new InvalidJsonValueException(child, "is given more than once");
                    }

                    Validate(property.Value, child);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Validate(item, $"{path}[{index++}]");
                }

                break;
            case JsonValueKind.String:
                ReadString(element.GetString, path);
                break;
        }
    }

    private static string ReadString(Func<string?> read, string path)
    {
        try
        {
            return read()!;
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 bytes, or an escaped surrogate without its pair: not text in any encoding.
            throw new InvalidJsonValueException(path, "is not valid Unicode text (invalid UTF-8 or a lone surrogate)");
        }
    }
}
