using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Infrastructure;

public class JsonShapeTests
{
    [Fact]
    public void Same_keys_and_kinds_with_other_values_agree() =>
        Assert.Empty(JsonShape.Differences(JsonNode.Parse("""{"a":1,"b":["x",{"c":null}]}"""), JsonNode.Parse("""{"b":["y",{"c":null}],"a":2}""")));

    [Theory]
    [InlineData("""{"a":1}""", """{"b":1}""")]
    [InlineData("""{"a":1}""", """{"a":"1"}""")]
    [InlineData("""{"a":[1,2]}""", """{"a":[1]}""")]
    [InlineData("""{"a":{"b":1}}""", """{"a":{"b":1,"c":2}}""")]
    public void A_renamed_retyped_or_extra_field_is_a_difference(string expected, string actual) =>
        Assert.NotEmpty(JsonShape.Differences(JsonNode.Parse(expected), JsonNode.Parse(actual)));
}
