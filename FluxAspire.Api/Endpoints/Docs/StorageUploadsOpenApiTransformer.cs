using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Storage;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FluxAspire.Api.Endpoints.Docs;

/// <summary>
/// The upload keys of the envelope (every request schema that has http_upload: /prompt, /workflow/*, /jobs) as this
/// server has them, the way the recipe documents them: s3, azure_blob_upload and hf_upload appear only when their
/// provider is configured (<see cref="StorageProviders"/>), with their fields and defaults.
/// </summary>
internal sealed class StorageUploadsOpenApiTransformer(StorageProviders providers) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var configured = providers.Configured.ToHashSet(StringComparer.Ordinal);
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            if (schema.Properties is not { } properties || !properties.ContainsKey("http_upload")) continue;
            foreach (var key in new[] { S3UploadRequest.Key, AzureBlobUploadRequest.Key, HfUploadRequest.Key })
            {
                properties.Remove(key);
                if (configured.Contains(key)) properties[key] = Schema(key);
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema Schema(string key) => key switch
    {
        S3UploadRequest.Key => Upload("Upload each output to s3://bucket/prefix+filename (AWS_REGION, AWS_ENDPOINT_URL and the AWS credentials " +
            "of the server, or {type:\"s3\"} credentials matching the s3:// URL); images then lists those URLs.", ["bucket"],
            ("bucket", Text("Bucket name.")), ("prefix", Text("Key prefix, prepended to each file name as is.", ""))),
        AzureBlobUploadRequest.Key => Upload("Upload each output to the blob blob_prefix+filename of the container (the server's " +
            "AZURE_STORAGE_* account); images then lists the blob URLs.", ["container"],
            ("container", Text("Container name.")), ("blob_prefix", Text("Blob name prefix, prepended to each file name as is.", ""))),
        _ => Upload("Commit the outputs to a Hugging Face repo at directory/filename (HF_TOKEN, or a bearer credential matching " +
            "the repo's URL); images then lists https://huggingface.co/[datasets/]repo/resolve/revision/path URLs.", ["repo"],
            ("repo", Text("Repo id, owner/name.")),
            ("repo_type", new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("model"), JsonValue.Create("dataset")], Default = JsonValue.Create("model") }),
            ("revision", Text("Branch, tag or commit.", "main")),
            ("directory", Text("Folder in the repo.", "/"))),
    };

    private static OpenApiSchema Upload(string description, string[] required, params (string Name, OpenApiSchema Schema)[] fields)
    {
        var properties = fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)f.Schema);
        properties["async"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Boolean,
            Default = JsonValue.Create(false),
            Description = "true: answer 202 at once and upload in the background; false: answer 200 once uploaded.",
        };
        return new OpenApiSchema { Type = JsonSchemaType.Object, Description = description, Required = required.ToHashSet(), Properties = properties };
    }

    private static OpenApiSchema Text(string description, string? fallback = null) => new()
    {
        Type = JsonSchemaType.String,
        Description = description,
        Default = fallback is null ? null : JsonValue.Create(fallback),
    };
}
