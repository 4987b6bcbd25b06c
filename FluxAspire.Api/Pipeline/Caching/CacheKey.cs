using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>
/// The cache key of a job: SHA-256 (lower-case hex) over a canonical form of everything that decides the bytes it
/// returns: the graph as ComfyUI gets it (object keys sorted at every level) and the convert_output options with their
/// defaults filled in. What is per request is left out: the job id in filename prefixes, and the per-job file names of
/// uploaded image inputs, which are keyed by a SHA-256 of their bytes instead. Delivery targets (webhooks, http_upload)
/// do not change the bytes and are not part of it.
/// </summary>
public static class CacheKey
{
    /// <summary>Bump when the canonical form or what a cached entry holds changes, so old entries are not read.</summary>
    private const string Version = "fluxaspire-result-cache/1";

    /// <summary>The key of <paramref name="job"/>, whose graph may already be prepared (image inputs named per job in
    /// <see cref="JobRequest.ImageInputs"/>) or not (inline base64 still in the graph: the text itself is then hashed).</summary>
    public static string For(JobRequest job) => Convert.ToHexStringLower(SHA256.HashData(Canonical(job)));

    /// <summary>The bytes that are hashed (UTF-8 JSON), for tests and debugging.</summary>
    internal static byte[] Canonical(JobRequest job)
    {
        var graph = WithoutRequestNames(job);
        var conversion = job.Delivery.ConvertOutput;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("v", Version);
            writer.WritePropertyName("graph");
            WriteSorted(writer, graph);
            writer.WritePropertyName("convert_output");
            WriteSorted(writer, conversion is null ? null : JsonSerializer.SerializeToNode(conversion));
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static JsonObject WithoutRequestNames(JobRequest job)
    {
        var graph = job.Graph.DeepClone().AsObject();
        var idPrefix = job.Id + "_";
        foreach (var (_, node) in graph)
        {
            if (node?["inputs"] is JsonObject inputs && inputs["filename_prefix"] is JsonValue prefix
                && prefix.GetValueKind() == JsonValueKind.String && prefix.GetValue<string>() is { } text
                && text.StartsWith(idPrefix, StringComparison.Ordinal))
            {
                inputs["filename_prefix"] = text[idPrefix.Length..];
            }
        }

        foreach (var image in job.ImageInputs)
        {
            if (graph[image.NodeId]?["inputs"] is JsonObject inputs)
            {
                inputs[image.InputName] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(image.Content));
            }
        }

        return graph;
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteSorted(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
