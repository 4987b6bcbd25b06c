using System.Text.Json.Nodes;

namespace FluxAspire.Api.Delivery;

/// <summary>
/// The order in which JavaScript keeps an object's keys, and so the order JSON.stringify writes them: keys that are
/// array indices ("0", "6", "27"; canonical, below 2^32 − 1) first, ascending by value, then the other keys in insertion
/// order. ComfyUI graphs and the recipe's stats are keyed by node id, so the recipe's server writes {"6":…,"27":…}
/// whatever order the graph came in; we keep objects in that order so our bytes are the ones its clients re-create.
/// </summary>
public static class JavaScriptKeyOrder
{
    /// <summary>The items in JavaScript key order (stable for the non-index keys).</summary>
    public static IEnumerable<T> Order<T>(IEnumerable<T> items, Func<T, string> key) =>
        items.Select((item, position) => (item, position, index: ArrayIndex(key(item))))
            .OrderBy(x => x.index is null ? 1 : 0)
            .ThenBy(x => x.index ?? 0)
            .ThenBy(x => x.position)
            .Select(x => x.item);

    /// <summary>Puts every object in <paramref name="node"/> (at any depth) in JavaScript key order, in place.</summary>
    public static void Apply(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (!InOrder(obj))
                {
                    var properties = obj.ToList();
                    obj.Clear();
                    foreach (var (name, value) in Order(properties, p => p.Key))
                    {
                        obj.Add(name, value);
                    }
                }

                foreach (var (_, value) in obj)
                {
                    Apply(value);
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Apply(item);
                }

                break;
        }
    }

    private static bool InOrder(JsonObject obj)
    {
        uint? last = null;
        var seenOther = false;
        foreach (var (name, _) in obj)
        {
            if (ArrayIndex(name) is not { } index)
            {
                seenOther = true;
            }
            else if (seenOther || index < last)
            {
                return false;
            }
            else
            {
                last = index;
            }
        }

        return true;
    }

    private static uint? ArrayIndex(string key) =>
        key.Length is > 0 and <= 10 && (key == "0" || key[0] != '0') && key.All(char.IsAsciiDigit)
            && ulong.Parse(key, System.Globalization.CultureInfo.InvariantCulture) < uint.MaxValue
            ? uint.Parse(key, System.Globalization.CultureInfo.InvariantCulture) : null;
}
