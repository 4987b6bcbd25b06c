using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Uploads;

namespace FluxAspire.Tests.Api.Webhooks;

public class HttpUploadRequestTests
{
    [Fact]
    public void Async_defaults_to_false_as_in_the_recipe_code()
    {
        var errors = new Dictionary<string, string[]>();
        var upload = HttpUploadRequest.Parse(JsonNode.Parse("""{"url_prefix": "https://example.com/out/"}""")!.AsObject(), errors);
        Assert.Empty(errors);
        Assert.False(upload!.Async);
        Assert.Equal("https://example.com/out/a%20b_00001_.png", upload.UrlFor("a b_00001_.png").AbsoluteUri);
    }

    [Theory]
    [InlineData("""{}""", "http_upload.url_prefix", "is required and must be a string")]
    [InlineData("""{"url_prefix": 5}""", "http_upload.url_prefix", "is required and must be a string")]
    [InlineData("""{"url_prefix": "ftp://x/y"}""", "http_upload.url_prefix", "must be an absolute http or https URL")]
    [InlineData("""{"url_prefix": "https://x/y", "async": "yes"}""", "http_upload.async", "must be true or false")]
    [InlineData("""{"url_prefix": "https://x/y", "bucket": "b"}""", "http_upload.bucket", "is not a known field (url_prefix, async)")]
    public void Bad_fields_are_named(string json, string field, string message)
    {
        var errors = new Dictionary<string, string[]>();
        Assert.Null(HttpUploadRequest.Parse(JsonNode.Parse(json)!.AsObject(), errors));
        Assert.Equal([message], errors[field]);
    }

    [Theory]
    [InlineData("x.png", "image/png")]
    [InlineData("x.JPEG", "image/jpeg")]
    [InlineData("x.webp", "image/webp")]
    [InlineData("x.bin", "application/octet-stream")]
    public void Content_type_follows_the_extension(string filename, string type)
    {
        Assert.Equal(type, ContentTypes.ForFile(filename));
    }
}
