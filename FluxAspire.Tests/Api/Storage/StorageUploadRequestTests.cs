using Microsoft.Extensions.Configuration;
using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Storage;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Jobs;
using StackExchange.Redis;

namespace FluxAspire.Tests.Api.Storage;

/// <summary>The upload keys' parsing (the recipe's defaults) and their trip through a job's Redis hash.</summary>
public class StorageUploadRequestTests
{
    private static readonly StorageProviders AllConfigured = new(new S3Settings("us-east-1", null, false),
        AzureBlobSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AZURE_STORAGE_ACCOUNT"] = "acct", ["AZURE_STORAGE_KEY"] = "a2V5",
        }).Build()),
        HuggingFaceSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["HF_TOKEN"] = "t" }).Build()));

    private static (S3UploadRequest? S3, AzureBlobUploadRequest? Azure, HfUploadRequest? Hf, Dictionary<string, string[]> Errors) Parse(string json)
    {
        var errors = new Dictionary<string, string[]>();
        var raw = JsonNode.Parse(json)!.AsObject().ToDictionary(p => p.Key, p => p.Value?.DeepClone());
        var (s3, azure, hf) = AllConfigured.ParseUploads(raw, errors);
        return (s3, azure, hf, errors);
    }

    [Fact]
    public void The_recipes_defaults_fill_what_is_left_out()
    {
        var (s3, azure, hf, errors) = Parse("""{"s3":{"bucket":"b-1"},"azure_blob_upload":{"container":"c-1"},"hf_upload":{"repo":"me/r"}}""");

        Assert.Empty(errors);
        Assert.Equal(new S3UploadRequest("b-1", "", false), s3);
        Assert.Equal(new AzureBlobUploadRequest("c-1", "", false), azure);
        Assert.Equal(new HfUploadRequest("me/r", "model", "main", "/", false), hf);
        Assert.Equal("x.png", hf!.PathInRepo("x.png"));
        Assert.Equal("renders/x.png", (hf with { Directory = "/renders/" }).PathInRepo("x.png"));
        Assert.Equal("datasets/me/r", (hf with { RepoType = "dataset" }).UrlPath);
    }

    [Theory]
    [InlineData("""{"hf_upload":{"repo":"noslash"}}""", "hf_upload.repo", "must be a Hugging Face repo id: owner/name (letters, digits, '-', '_' and '.')")]
    [InlineData("""{"hf_upload":{"repo":"me/r","repo_type":"space"}}""", "hf_upload.repo_type", "must be model or dataset")]
    [InlineData("""{"hf_upload":{"repo":"me/r","directory":"a/../b"}}""", "hf_upload.directory", "must not contain '.' or '..' segments")]
    [InlineData("""{"azure_blob_upload":{"container":"Bad--Name"}}""", "azure_blob_upload.container", "must be an Azure container name (3-63 lowercase letters, digits and single '-')")]
    [InlineData("""{"s3":"bucket"}""", "s3", "must be an object")]
    [InlineData("""{"s3":{"prefix":"p/"}}""", "s3.bucket", "is required and must be a non-empty string")]
    public void Bad_fields_are_named(string json, string field, string message)
    {
        var (_, _, _, errors) = Parse(json);
        Assert.Equal([message], errors[field]);
    }

    [Fact]
    public void A_provider_that_is_not_configured_is_refused_by_name()
    {
        var errors = new Dictionary<string, string[]>();
        new StorageProviders(null, null, null).ParseUploads(new Dictionary<string, JsonNode?> { ["s3"] = new JsonObject { ["bucket"] = "b-1" } }, errors);
        Assert.Equal(["uploads to S3 are not configured on this server; use http_upload"], errors["s3"]);
    }

    [Fact]
    public void The_first_key_in_the_recipes_order_wins_and_the_uploads_survive_the_redis_hash()
    {
        var delivery = new JobDelivery
        {
            S3Upload = new S3UploadRequest("b-1", "p/", false),
            AzureBlobUpload = new AzureBlobUploadRequest("c-1", "x/", true),
            HfUpload = new HfUploadRequest("me/r", "dataset", "v1", "d", true),
        };
        Assert.IsType<S3UploadRequest>(delivery.Upload);
        Assert.IsType<HfUploadRequest>((delivery with { S3Upload = null }).Upload);
        Assert.IsType<AzureBlobUploadRequest>((delivery with { S3Upload = null, HfUpload = null }).Upload);
        Assert.False(delivery.AnswersAtOnce); // s3 wins, and it is synchronous
        Assert.True(delivery.UploadsToStorage);

        var request = new JobRequest("job-s3", [], DateTimeOffset.UnixEpoch, TimeSpan.Zero) { Delivery = delivery };
        var read = StoredJob.Read([new HashEntry("request", StoredJob.Serialize(request)), new HashEntry("status", "queued")]);

        Assert.Equal(delivery, read!.Request.Delivery);
    }
}
