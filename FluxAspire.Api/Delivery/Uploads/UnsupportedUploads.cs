using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline;

namespace FluxAspire.Api.Delivery.Uploads;

/// <summary>
/// The recipe's s3, azure_blob_upload and hf_upload keys. This server has no S3, Azure or Hugging Face uploader, so a
/// request naming one gets a 400 that says so, instead of the recipe's silent drop (where the client would get base64
/// images it did not ask for, or nothing at all behind an async 202).
/// </summary>
public static class UnsupportedUploads
{
    public static readonly IReadOnlyList<string> Fields = ["s3", "azure_blob_upload", "hf_upload"];

    private static readonly Dictionary<string, string> Services = new(StringComparer.Ordinal)
    {
        ["s3"] = "S3",
        ["azure_blob_upload"] = "Azure Blob Storage",
        ["hf_upload"] = "Hugging Face",
    };

    /// <summary>The keys that are present (JSON null counts as absent).</summary>
    public static IReadOnlyDictionary<string, JsonNode?> Collect(params (string Field, JsonNode? Value)[] fields) =>
        fields.Where(f => f.Value is not null).ToDictionary(f => f.Field, f => f.Value, StringComparer.Ordinal);

    public static void Validate(DeliveryOptions delivery, IDictionary<string, string[]> errors)
    {
        foreach (var field in delivery.OtherUploads.Keys)
        {
            errors[field] = [$"uploads to {Services.GetValueOrDefault(field, field)} are not configured on this server; use http_upload"];
        }
    }
}
