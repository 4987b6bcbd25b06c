using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery;

namespace FluxAspire.Tests.Api.Delivery;

public class JsonStringifyEncoderTests
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JsonStringifyEncoder.Instance };

    // Expected values are what JavaScript's JSON.stringify writes for the same string (ES2019, well-formed).
    [Theory]
    [InlineData("a+b/c==", "\"a+b/c==\"")]
    [InlineData("<script>&'`", "\"<script>&'`\"")]
    [InlineData("café ☕ 画像 😀", "\"café ☕ 画像 😀\"")]
    [InlineData("\u2028\u2029\u007f\u00a0\ufeff", "\"\u2028\u2029\u007f\u00a0\ufeff\"")]
    [InlineData("\b\t\n\f\r\"\\", "\"\\b\\t\\n\\f\\r\\\"\\\\\"")]
    [InlineData("\u0000\u0001\u001b\u001f", "\"\\u0000\\u0001\\u001b\\u001f\"")]
    [InlineData("", "\"\"")]
    public void A_string_is_written_as_JSON_stringify_writes_it(string value, string expected)
    {
        Assert.Equal(expected, JsonSerializer.Serialize(value, Options));
        Assert.Equal(expected, JsonValue.Create(value).ToJsonString(Options));
        Assert.Equal($"{{{expected}:1}}", new JsonObject { [value] = 1 }.ToJsonString(Options)); // property names alike
    }

    [Fact]
    public void Base64_is_not_inflated()
    {
        var bytes = new byte[3000];
        new Random(7).NextBytes(bytes);
        var base64 = Convert.ToBase64String(bytes);
        Assert.Contains('+', base64);

        Assert.Equal(base64.Length + 2, JsonSerializer.Serialize(base64, Options).Length);
    }

    [Fact]
    public void A_long_string_with_an_escape_far_in_is_escaped_there_and_nowhere_else()
    {
        var value = new string('x', 100_000) + "\n" + new string('+', 10);
        Assert.Equal("\"" + new string('x', 100_000) + "\\n" + new string('+', 10) + "\"", JsonSerializer.Serialize(value, Options));
    }
}

public class JavaScriptKeyOrderTests
{
    // Expected orders are what node prints for JSON.stringify(JSON.parse(input)).
    [Theory]
    [InlineData("""{"27":1,"6":2,"b":3,"35":4,"a":5}""", """{"6":2,"27":1,"35":4,"b":3,"a":5}""")]
    [InlineData("""{"x":{"10":1,"9":2,"09":3,"-1":4,"4294967295":5,"4294967294":6}}""", """{"x":{"9":2,"10":1,"4294967294":6,"09":3,"-1":4,"4294967295":5}}""")]
    [InlineData("""[{"2":0,"1":0}]""", """[{"1":0,"2":0}]""")]
    [InlineData("""{"a":1,"0":2}""", """{"0":2,"a":1}""")]
    public void Objects_are_put_in_the_order_JavaScript_keeps_their_keys(string input, string expected)
    {
        var node = JsonNode.Parse(input);
        JavaScriptKeyOrder.Apply(node);
        Assert.Equal(expected, node!.ToJsonString());
    }
}
