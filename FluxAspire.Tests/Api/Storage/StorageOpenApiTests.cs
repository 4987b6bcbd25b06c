using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Webhooks;

namespace FluxAspire.Tests.Api.Storage;

/// <summary>Each upload key is in the OpenAPI document of every envelope exactly when its provider is configured.</summary>
[Collection(StorageCollection.Name)]
public sealed class StorageOpenApiTests(StorageEnvironment env)
{
    internal static readonly string[] Envelopes = ["PromptRequest", "Text2ImgRequest", "Img2ImgRequest", "JobSubmission"];

    internal static async Task<JsonObject> SchemasAsync(ApiProcess api)
    {
        using var http = api.CreateClient();
        var document = await http.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        return document!["components"]!["schemas"]!.AsObject();
    }

    [Fact]
    public async Task Configured_providers_are_documented_with_their_fields_and_defaults()
    {
        var schemas = await SchemasAsync(env.Api);
        foreach (var envelope in Envelopes)
        {
            var properties = schemas[envelope]!["properties"]!;
            Assert.Equal(["bucket", "prefix", "async"], properties["s3"]!["properties"]!.AsObject().Select(p => p.Key));
            Assert.Equal(["bucket"], properties["s3"]!["required"]!.AsArray().Select(r => (string?)r));
            Assert.Equal(["container", "blob_prefix", "async"], properties["azure_blob_upload"]!["properties"]!.AsObject().Select(p => p.Key));
            var hf = properties["hf_upload"]!["properties"]!;
            Assert.Equal("main", (string?)hf["revision"]!["default"]);
            Assert.Equal("/", (string?)hf["directory"]!["default"]);
            Assert.Equal(["model", "dataset"], hf["repo_type"]!["enum"]!.AsArray().Select(e => (string?)e));
            Assert.False((bool)hf["async"]!["default"]!);
        }
    }
}

/// <summary>Without any provider's environment, the document has none of the keys (and a request naming one gets a 400).</summary>
public sealed class UnconfiguredStorageOpenApiTests(WebhookEnvironment env) : IClassFixture<WebhookEnvironment>
{
    [Fact]
    public async Task No_provider_means_no_upload_key_but_http_upload()
    {
        var schemas = await StorageOpenApiTests.SchemasAsync(env.Api);
        foreach (var envelope in StorageOpenApiTests.Envelopes)
        {
            var keys = schemas[envelope]!["properties"]!.AsObject().Select(p => p.Key).ToList();
            Assert.Contains("http_upload", keys);
            Assert.DoesNotContain("s3", keys);
            Assert.DoesNotContain("azure_blob_upload", keys);
            Assert.DoesNotContain("hf_upload", keys);
        }
    }
}
