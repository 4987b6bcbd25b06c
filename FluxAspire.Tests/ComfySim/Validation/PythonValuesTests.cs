using System.Numerics;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Validation;

namespace FluxAspire.Tests.ComfySim.Validation;

public class PythonValuesTests
{
    [Theory]
    [InlineData(1000.0, "1000.0")]
    [InlineData(100.0, "100.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(2.7, "2.7")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(1e300, "1e+300")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    public void Float_repr_matches_Python(double value, string expected) => Assert.Equal(expected, PythonValues.FloatRepr(value));

    [Theory]
    [InlineData("512", "512")]
    [InlineData("2.7", "2")]
    [InlineData("-2.7", "-2")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("true", "1")]
    [InlineData("false", "0")]
    [InlineData("\"512\"", "512")]
    [InlineData("\" -42 \"", "-42")]
    [InlineData("\"+7\"", "7")]
    [InlineData("\"1_000\"", "1000")]
    [InlineData("\"007\"", "7")]
    [InlineData("18446744073709551615", "18446744073709551615")]
    [InlineData("\"18446744073709551616\"", "18446744073709551616")]
    public void Int_converts_like_Python(string json, string expected) =>
        Assert.Equal(BigInteger.Parse(expected), PythonValues.ToInt(JsonNode.Parse(json)));

    [Theory]
    [InlineData("\"abc\"", "ValueError", "invalid literal for int() with base 10: 'abc'")]
    [InlineData("\"2.7\"", "ValueError", "invalid literal for int() with base 10: '2.7'")]
    [InlineData("\"\"", "ValueError", "invalid literal for int() with base 10: ''")]
    [InlineData("\"1__0\"", "ValueError", "invalid literal for int() with base 10: '1__0'")]
    [InlineData("\"it's\"", "ValueError", "invalid literal for int() with base 10: \"it's\"")]
    [InlineData("null", "TypeError", "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'")]
    [InlineData("[1]", "TypeError", "int() argument must be a string, a bytes-like object or a real number, not 'list'")]
    [InlineData("{\"a\":1}", "TypeError", "int() argument must be a string, a bytes-like object or a real number, not 'dict'")]
    public void Int_fails_like_Python(string json, string type, string message)
    {
        var ex = Assert.Throws<PythonException>(() => PythonValues.ToInt(JsonNode.Parse(json)));
        Assert.Equal((type, message), (ex.TypeName, ex.Message));
    }

    [Theory]
    [InlineData("1", 1.0)]
    [InlineData("2.5", 2.5)]
    [InlineData("true", 1.0)]
    [InlineData("\"1e3\"", 1000.0)]
    [InlineData("\" 2.5 \"", 2.5)]
    [InlineData("\".5\"", 0.5)]
    [InlineData("\"5.\"", 5.0)]
    [InlineData("\"1_0.5\"", 10.5)]
    [InlineData("\"-inf\"", double.NegativeInfinity)]
    [InlineData("\"Infinity\"", double.PositiveInfinity)]
    public void Float_converts_like_Python(string json, double expected) => Assert.Equal(expected, PythonValues.ToFloat(JsonNode.Parse(json)));

    [Theory]
    [InlineData("\"abc\"", "ValueError", "could not convert string to float: 'abc'")]
    [InlineData("\"1e\"", "ValueError", "could not convert string to float: '1e'")]
    [InlineData("null", "TypeError", "float() argument must be a string or a real number, not 'NoneType'")]
    [InlineData("[]", "TypeError", "float() argument must be a string or a real number, not 'list'")]
    public void Float_fails_like_Python(string json, string type, string message)
    {
        var ex = Assert.Throws<PythonException>(() => PythonValues.ToFloat(JsonNode.Parse(json)));
        Assert.Equal((type, message), (ex.TypeName, ex.Message));
    }

    [Theory]
    [InlineData("\"abc\"", "abc")]
    [InlineData("true", "True")]
    [InlineData("false", "False")]
    [InlineData("null", "None")]
    [InlineData("1", "1")]
    [InlineData("1.0", "1.0")]
    [InlineData("1e16", "1e+16")]
    [InlineData("{\"a\":1,\"b\":[true,null]}", "{'a': 1, 'b': [True, None]}")]
    [InlineData("[\"a\",\"it's\",1.5,\"tab\\t\"]", "['a', \"it's\", 1.5, 'tab\\t']")]
    [InlineData("[]", "[]")]
    [InlineData("{}", "{}")]
    public void Str_formats_like_Python(string json, string expected) => Assert.Equal(expected, PythonValues.ToStr(JsonNode.Parse(json)));

    [Theory]
    [InlineData("\"x'y\\\"z\"", "'x\\'y\"z'")]
    [InlineData("\"back\\\\slash\\n\"", "'back\\\\slash\\n'")]
    [InlineData("\"\\u0001\"", "'\\x01'")]
    [InlineData("\"caf\\u00e9\"", "'café'")]
    public void Repr_of_strings_escapes_like_Python(string json, string expected) => Assert.Equal(expected, PythonValues.Repr(JsonNode.Parse(json)));

    [Theory]
    [InlineData("\"\"", false)]
    [InlineData("\"false\"", true)]
    [InlineData("0", false)]
    [InlineData("0.0", false)]
    [InlineData("2", true)]
    [InlineData("null", false)]
    [InlineData("[]", false)]
    [InlineData("[0]", true)]
    [InlineData("{}", false)]
    public void Bool_is_truthiness(string json, bool expected) => Assert.Equal(expected, PythonValues.Truthy(JsonNode.Parse(json)));

    [Theory]
    [InlineData("18446744073709551615", "18446744073709551616.0", true)] // exact int/float comparison, no rounding to double
    [InlineData("18446744073709551616", "18446744073709551615", false)]
    [InlineData("0", "0.0", false)]
    [InlineData("-1", "0.0", true)]
    [InlineData("false", "1", true)]
    [InlineData("2.5", "3", true)]
    public void Less_than_compares_numbers_exactly(string a, string b, bool expected) =>
        Assert.Equal(expected, PythonValues.LessThan(JsonNode.Parse(a), JsonNode.Parse(b)));

    [Fact]
    public void Comparing_a_string_with_a_number_is_a_TypeError()
    {
        var ex = Assert.Throws<PythonException>(() => PythonValues.LessThan(JsonValue.Create("a"), JsonNode.Parse("1")));
        Assert.Equal(("TypeError", "'<' not supported between instances of 'str' and 'int'"), (ex.TypeName, ex.Message));
    }

    [Theory]
    [InlineData("1", "1.0", true)]
    [InlineData("true", "1", true)]
    [InlineData("\"1\"", "1", false)]
    [InlineData("[1,\"a\"]", "[1.0,\"a\"]", true)]
    [InlineData("null", "null", true)]
    public void Equality_follows_Python(string a, string b, bool expected) =>
        Assert.Equal(expected, PythonValues.PyEquals(JsonNode.Parse(a), JsonNode.Parse(b)));

    [Fact]
    public void Converted_numbers_serialize_as_Python_json_writes_them()
    {
        Assert.Equal("1.0", PythonValues.FloatNode(1).ToJsonString());
        Assert.Equal("1e+16", PythonValues.FloatNode(1e16).ToJsonString());
        Assert.Equal("18446744073709551616", PythonValues.IntNode(BigInteger.Pow(2, 64)).ToJsonString());
        Assert.Equal(PythonKind.Float, PythonValues.KindOf(PythonValues.FloatNode(3)));
        Assert.Equal(PythonKind.Float, PythonValues.KindOf(JsonValue.Create(3.0)));
        Assert.Equal(PythonKind.Int, PythonValues.KindOf(JsonValue.Create(3)));
    }
}
