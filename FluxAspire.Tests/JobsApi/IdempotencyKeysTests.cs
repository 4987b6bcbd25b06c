using System.Text.Json.Nodes;
using FluxAspire.Api.Endpoints.Jobs;

namespace FluxAspire.Tests.JobsApi;

public class IdempotencyKeysTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("order-2024-05-01/42:retry", true)]
    [InlineData("!~", true)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    [InlineData("tab\t", false)]
    [InlineData("é", false)]
    [InlineData("line\nbreak", false)]
    public void Keys_are_visible_ascii(string key, bool valid) => Assert.Equal(valid, IdempotencyKeys.IsValid(key));

    [Fact]
    public void Keys_are_at_most_255_characters()
    {
        Assert.True(IdempotencyKeys.IsValid(new string('k', 255)));
        Assert.False(IdempotencyKeys.IsValid(new string('k', 256)));
        Assert.False(IdempotencyKeys.IsValid(null));
    }

    [Fact]
    public void The_hash_is_the_sha256_of_the_canonical_json()
    {
        // sha256("{}") and sha256("{\"a\":1,\"b\":[2,{\"c\":3,\"d\":4}]}")
        Assert.Equal("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", IdempotencyKeys.RequestHash(new JsonObject()));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("""{"a":1,"b":[2,{"c":3,"d":4}]}"""u8)),
            IdempotencyKeys.RequestHash(JsonNode.Parse("""{ "b": [2, {"d": 4, "c": 3}], "a": 1 }""")));
    }

    [Fact]
    public void Key_order_and_spacing_do_not_matter_but_values_and_array_order_do()
    {
        var hash = IdempotencyKeys.RequestHash(JsonNode.Parse("""{"workflow": "text2img", "input": {"prompt": "p", "width": 512}}"""));

        Assert.Equal(hash, IdempotencyKeys.RequestHash(JsonNode.Parse("""{"input":{"width":512,"prompt":"p"},"workflow":"text2img"}""")));
        Assert.NotEqual(hash, IdempotencyKeys.RequestHash(JsonNode.Parse("""{"workflow": "text2img", "input": {"prompt": "p", "width": 513}}""")));
        Assert.NotEqual(hash, IdempotencyKeys.RequestHash(JsonNode.Parse("""{"workflow": "text2img", "input": {"prompt": "p", "width": 512}, "id": "x"}""")));
        Assert.NotEqual(IdempotencyKeys.RequestHash(JsonNode.Parse("[1,2]")), IdempotencyKeys.RequestHash(JsonNode.Parse("[2,1]")));
    }
}
