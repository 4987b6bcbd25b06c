using System.Text;

namespace FluxAspire.ComfySim.Images;

/// <summary>A small least-recently-used cache of encoded PNGs, bounded by entry count and total bytes.</summary>
internal sealed class PngCache(int maxEntries, long maxBytes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, byte[] Png)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, byte[] Png)> _order = new();
    private long _bytes;

    /// <summary>Everything the bytes depend on, as one string.</summary>
    public static string Key(SimImage image, int index, IReadOnlyList<KeyValuePair<string, string>> textChunks, int compressLevel)
    {
        var key = new StringBuilder();
        key.Append(image.Width).Append('x').Append(image.Height).Append('|').Append(image.Seed).Append('|').Append(image.Steps)
            .Append('|').Append(index).Append('|').Append(compressLevel).Append('|').Append(image.Prompt.Length).Append(':').Append(image.Prompt);
        foreach (var (keyword, text) in textChunks)
        {
            key.Append('|').Append(keyword.Length).Append(':').Append(keyword).Append(text.Length).Append(':').Append(text);
        }

        return key.ToString();
    }

    public bool TryGet(string key, out byte[] png)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                png = node.Value.Png;
                return true;
            }
        }

        png = [];
        return false;
    }

    public void Add(string key, byte[] png)
    {
        if (png.Length > maxBytes / 4)
        {
            return; // one huge picture must not flush everything else
        }

        lock (_lock)
        {
            if (_entries.ContainsKey(key))
            {
                return;
            }

            _entries[key] = _order.AddFirst((key, png));
            _bytes += png.Length;
            while (_entries.Count > maxEntries || _bytes > maxBytes)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _entries.Remove(last.Value.Key);
                _bytes -= last.Value.Png.Length;
            }
        }
    }
}
