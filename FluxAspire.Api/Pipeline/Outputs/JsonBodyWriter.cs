using System.IO.Pipelines;
using System.Text.Json;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline.Outputs;

/// <summary>One property of a JSON body and how to write its value.</summary>
public sealed record JsonBodyField(string Name, Func<JsonBodyWriter, CancellationToken, ValueTask> Write)
{
    /// <summary>A value System.Text.Json serializes (strings, nodes, records), as it would inside the whole body.</summary>
    public static JsonBodyField Value<T>(string name, T value) => new(name, (writer, _) =>
    {
        writer.Serialize(value);
        return ValueTask.CompletedTask;
    });

    /// <summary>
    /// The fields of <paramref name="sources"/> merged as <c>JsonObject</c> assignment merges them: a name keeps the
    /// place where it first appeared, and the value of the last source that has it.
    /// </summary>
    public static IReadOnlyList<JsonBodyField> Merge(params IEnumerable<JsonBodyField>[] sources)
    {
        var merged = new List<JsonBodyField>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var field in sources.SelectMany(s => s))
        {
            if (index.TryGetValue(field.Name, out var at))
            {
                merged[at] = field;
            }
            else
            {
                index[field.Name] = merged.Count;
                merged.Add(field);
            }
        }

        return merged;
    }
}

/// <summary>
/// Writes a JSON body whose values include output files as base64, straight from their bytes: each file is encoded in
/// segments of <see cref="SegmentBytes"/> and flushed to the destination after each, so no base64 string and no
/// buffer of the whole body ever exists. The rest is written by System.Text.Json with the given options, byte for
/// byte what it writes when it serializes the whole body; base64 comes out as System.Text.Json (and JSON.stringify)
/// writes it, '+' and '/' as they are.
/// </summary>
public sealed class JsonBodyWriter
{
    /// <summary>Input bytes per base64 segment (a multiple of 3, so segments join without padding): 64 KB of text each.</summary>
    public const int SegmentBytes = OutputBytes.ChunkBytes;

    private readonly Utf8JsonWriter _json;
    private readonly JsonSerializerOptions _options;
    private readonly Func<Utf8JsonWriter, CancellationToken, ValueTask> _flush;

    private JsonBodyWriter(Utf8JsonWriter json, JsonSerializerOptions options, Func<Utf8JsonWriter, CancellationToken, ValueTask> flush)
    {
        _json = json;
        _options = options;
        _flush = flush;
    }

    /// <summary>Writes <c>{fields}</c> to a pipe (an HTTP response body), flushing it as it goes.</summary>
    public static async Task WriteObjectAsync(PipeWriter destination, IReadOnlyList<JsonBodyField> fields, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(destination, WriterOptions(options));
        await new JsonBodyWriter(json, options, async (writer, token) =>
        {
            writer.Flush();
            await destination.FlushAsync(token);
        }).WriteObjectAsync(fields, cancellationToken);
    }

    /// <summary>Writes <c>{fields}</c> to a stream (a request body, a hash).</summary>
    public static async Task WriteObjectAsync(Stream destination, IReadOnlyList<JsonBodyField> fields, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(destination, WriterOptions(options));
        await new JsonBodyWriter(json, options, (writer, token) => new ValueTask(writer.FlushAsync(token))).WriteObjectAsync(fields, cancellationToken);
    }

    /// <summary>Serializes <paramref name="value"/> in place, with the body's options.</summary>
    public void Serialize<T>(T value) => JsonSerializer.Serialize(_json, value, _options);

    /// <summary>Writes the bytes as one base64 JSON string, segment by segment.</summary>
    public async ValueTask WriteBase64Async(OutputBytes bytes, CancellationToken cancellationToken)
    {
        if (bytes.IsEmpty)
        {
            _json.WriteBase64StringValue(ReadOnlySpan<byte>.Empty);
            return;
        }

        var written = 0;
        foreach (var chunk in bytes.Segments)
        {
            for (var offset = 0; offset < chunk.Length; offset += SegmentBytes)
            {
                var segment = chunk.Slice(offset, Math.Min(SegmentBytes, chunk.Length - offset));
                written += segment.Length;
                _json.WriteBase64StringSegment(segment.Span, isFinalSegment: written == bytes.Length);
                await _flush(_json, cancellationToken);
            }
        }
    }

    /// <summary>Writes an array of base64 strings, one per file.</summary>
    public async ValueTask WriteBase64ArrayAsync(IEnumerable<OutputBytes> files, CancellationToken cancellationToken)
    {
        _json.WriteStartArray();
        foreach (var file in files)
        {
            await WriteBase64Async(file, cancellationToken);
        }

        _json.WriteEndArray();
    }

    private async Task WriteObjectAsync(IReadOnlyList<JsonBodyField> fields, CancellationToken cancellationToken)
    {
        _json.WriteStartObject();
        foreach (var field in fields)
        {
            _json.WritePropertyName(field.Name);
            await field.Write(this, cancellationToken);
        }

        _json.WriteEndObject();
        await _flush(_json, cancellationToken);
    }

    // What JsonSerializer itself writes with these options (indentation, escaping), so the fields serialized in place
    // come out as in a whole-body serialization.
    private static JsonWriterOptions WriterOptions(JsonSerializerOptions options) => new()
    {
        Encoder = options.Encoder,
        Indented = options.WriteIndented,
        MaxDepth = options.MaxDepth == 0 ? 64 : options.MaxDepth,
    };
}
