using System.Text.Json;
using System.Text.Json.Serialization;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>
/// A <see cref="CachedResult"/> in Redis: one hash with a single "meta" field (small JSON: file names, node ids,
/// content types, lengths, ComfyUI timings) that names, per output file, the key holding its raw bytes
/// (fluxaspire:cache:&lt;key&gt;:file:&lt;n&gt;, binary, not base64).
/// </summary>
public static class CachedResultFormat
{
    public const string MetaField = "meta";

    private const int Version = 2;

    /// <summary>The key that holds file <paramref name="index"/> of the entry stored under <paramref name="entryKey"/>.</summary>
    public static string FileKey(string entryKey, int index) => $"{entryKey}:file:{index}";

    /// <summary>The meta field of <paramref name="entry"/>, stored under <paramref name="entryKey"/>.</summary>
    public static byte[] WriteMeta(string entryKey, CachedResult entry) => JsonSerializer.SerializeToUtf8Bytes(new Meta(Version, entry.JobId, entry.CreatedAt,
        entry.ComfyStart, entry.ComfyEnd, entry.NodeStarts,
        [.. entry.Files.Select((f, i) => new MetaFile(FileKey(entryKey, i), f.NodeId, f.Filename, f.ContentType, f.Content.Length))]));

    /// <summary>The keys and lengths of the files <paramref name="meta"/> names; null when it is not a meta field of this
    /// version (written by another version, or damaged), which is then a miss.</summary>
    public static IReadOnlyList<(string Key, long Length)>? ReadFiles(byte[] meta) =>
        Parse(meta)?.Files.Select(f => (f.Key, f.Length)).ToList();

    /// <summary>The entry from its meta field and the bytes of its files, in the order <see cref="ReadFiles"/> names them;
    /// null when they do not make a complete entry (a file expired or has another length).</summary>
    public static CachedResult? Read(byte[] meta, IReadOnlyList<byte[]?> files)
    {
        if (Parse(meta) is not { } parsed || files.Count != parsed.Files.Count)
        {
            return null;
        }

        var result = new List<CachedFile>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var file = parsed.Files[i];
            if (files[i] is not { } content || content.LongLength != file.Length)
            {
                return null;
            }

            result.Add(new CachedFile(file.NodeId, file.Filename, file.ContentType, new OutputBytes(content)));
        }

        return new CachedResult(parsed.JobId, result, parsed.ComfyStart, parsed.ComfyEnd, parsed.NodeStarts, parsed.CreatedAt);
    }

    private static Meta? Parse(byte[] meta)
    {
        try
        {
            return JsonSerializer.Deserialize<Meta>(meta) is { V: Version, JobId: not null, Files: not null, NodeStarts: not null } parsed ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Meta(
        [property: JsonPropertyName("v")] int V,
        [property: JsonPropertyName("job_id")] string JobId,
        [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
        [property: JsonPropertyName("comfy_start")] long ComfyStart,
        [property: JsonPropertyName("comfy_end")] long ComfyEnd,
        [property: JsonPropertyName("node_starts")] IReadOnlyDictionary<string, long> NodeStarts,
        [property: JsonPropertyName("files")] IReadOnlyList<MetaFile> Files);

    private sealed record MetaFile(
        [property: JsonPropertyName("key")] string Key,
        [property: JsonPropertyName("node_id")] string NodeId,
        [property: JsonPropertyName("filename")] string Filename,
        [property: JsonPropertyName("content_type")] string ContentType,
        [property: JsonPropertyName("length")] long Length);
}
