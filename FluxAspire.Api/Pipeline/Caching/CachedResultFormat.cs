using FluxAspire.Api.Pipeline.Jobs;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>
/// A <see cref="CachedResult"/> as the fields of one Redis hash: "meta" (small JSON: file names, node ids, content
/// types, lengths, ComfyUI timings) and one field of raw bytes per output file ("file:0", "file:1", …), so images
/// are stored as they are, not as base64 inside JSON.
/// </summary>
public static class CachedResultFormat
{
    public const string MetaField = "meta";

    private const int Version = 1;

    public static string FileField(int index) => $"file:{index}";

    /// <summary>The fields to store, meta first.</summary>
    /// <remarks>The file fields point into the entry's <see cref="OutputBytes"/>: keep the entry alive until they are written.</remarks>
    public static IReadOnlyList<(string Name, ReadOnlyMemory<byte> Value)> Write(CachedResult entry)
    {
        var meta = new Meta(Version, entry.JobId, entry.CreatedAt, entry.ComfyStart, entry.ComfyEnd, entry.NodeStarts,
            entry.Files.Select((f, i) => new MetaFile(FileField(i), f.NodeId, f.Filename, f.ContentType, (long)f.Content.Length)).ToList());
        var fields = new List<(string, ReadOnlyMemory<byte>)>(entry.Files.Count + 1) { (MetaField, JsonSerializer.SerializeToUtf8Bytes(meta)) };
        fields.AddRange(entry.Files.Select((f, i) => (FileField(i), f.Content.Memory)));
        return fields;
    }

    /// <summary>The entry from its fields; null when there are none, or they are not a complete entry of this version
    /// (written by another version, or damaged), which is then a miss.</summary>
    public static CachedResult? Read(IReadOnlyDictionary<string, byte[]> fields)
    {
        if (!fields.TryGetValue(MetaField, out var metaBytes))
        {
            return null;
        }

        Meta? meta;
        try
        {
            meta = JsonSerializer.Deserialize<Meta>(metaBytes);
        }
        catch (JsonException)
        {
            return null;
        }

        if (meta is not { V: Version, JobId: not null, Files: not null, NodeStarts: not null })
        {
            return null;
        }

        var files = new List<CachedFile>(meta.Files.Count);
        foreach (var file in meta.Files)
        {
            if (!fields.TryGetValue(file.Field, out var content) || content.LongLength != file.Length)
            {
                return null;
            }

            files.Add(new CachedFile(file.NodeId, file.Filename, file.ContentType, new OutputBytes(content)));
        }

        return new CachedResult(meta.JobId, files, meta.ComfyStart, meta.ComfyEnd, meta.NodeStarts, meta.CreatedAt);
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
        [property: JsonPropertyName("field")] string Field,
        [property: JsonPropertyName("node_id")] string NodeId,
        [property: JsonPropertyName("filename")] string Filename,
        [property: JsonPropertyName("content_type")] string ContentType,
        [property: JsonPropertyName("length")] long Length);
}
