using System.Text.Json.Nodes;

namespace FluxAspire.Api.Delivery.Uploads;

/// <summary>
/// The recipe's storage upload keys (s3, azure_blob_upload, hf_upload) as a request sent them, collected raw so that
/// Delivery/Storage/StorageProviders parses those of the configured providers and refuses the others with a 400 that
/// says so (the recipe silently drops them, and the client gets base64 images it did not ask for).
/// </summary>
public static class UnsupportedUploads
{
    public static readonly IReadOnlyList<string> Fields = ["s3", "azure_blob_upload", "hf_upload"];

    /// <summary>The keys that are present (JSON null counts as absent).</summary>
    public static IReadOnlyDictionary<string, JsonNode?> Collect(params (string Field, JsonNode? Value)[] fields) =>
        fields.Where(f => f.Value is not null).ToDictionary(f => f.Field, f => f.Value, StringComparer.Ordinal);
}
