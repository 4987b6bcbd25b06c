using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Outputs;

namespace FluxAspire.Tests.Api.Outputs;

public class ConvertOutputOptionsTests
{
    private static (ConvertOutputOptions? Options, Dictionary<string, string[]> Errors) Parse(string json)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        return (ConvertOutputOptions.Parse(JsonNode.Parse(json)!.AsObject(), errors), errors);
    }

    private static void AssertSingleError(string json, string field, string message)
    {
        var (options, errors) = Parse(json);
        Assert.Null(options);
        Assert.Equal([field], errors.Keys);
        Assert.Equal([message], errors[field]);
    }

    [Fact]
    public void Absent_means_no_conversion()
    {
        var errors = new Dictionary<string, string[]>();
        Assert.Null(ConvertOutputOptions.Parse(null, errors));
        Assert.Empty(errors);
    }

    [Fact]
    public void Jpeg_without_options_gets_the_recipe_defaults()
    {
        var (options, errors) = Parse("""{"format": "jpeg"}""");
        Assert.Empty(errors);
        Assert.Equal(new ConvertOutputOptions("jpeg", new JpegOptions(80, false, "4:2:0", true, false, false, false, false, 0), null), options);
        Assert.Equal(".jpeg", options!.Extension);
    }

    [Fact]
    public void Jpg_is_an_alias_that_keeps_its_extension()
    {
        var (options, errors) = Parse("""{"format": "jpg", "options": {"quality": 95, "chromaSubsampling": "4:4:4", "progressive": true}}""");
        Assert.Empty(errors);
        Assert.Equal(95, options!.Jpeg!.Quality);
        Assert.Equal("4:4:4", options.Jpeg.ChromaSubsampling);
        Assert.True(options.Jpeg.Progressive);
        Assert.Equal(".jpg", options.Extension);
    }

    [Fact]
    public void Webp_without_options_gets_the_recipe_defaults()
    {
        var (options, errors) = Parse("""{"format": "webp", "options": {}}""");
        Assert.Empty(errors);
        Assert.Equal(new ConvertOutputOptions("webp", null, new WebpOptions(80, 100, false, false, false, "default", 4)), options);
        Assert.Equal(".webp", options!.Extension);
    }

    [Fact]
    public void Every_webp_option_is_read()
    {
        var (options, errors) = Parse("""
            {"format": "webp", "options": {"quality": 1, "alphaQuality": 0, "lossless": true, "nearLossless": true,
             "smartSubsample": true, "preset": "drawing", "effort": 6}}
            """);
        Assert.Empty(errors);
        Assert.Equal(new WebpOptions(1, 0, true, true, true, "drawing", 6), options!.Webp);
    }

    [Fact]
    public void Png_is_refused_like_the_recipe() =>
        AssertSingleError("""{"format": "png"}""", "convert_output.format",
            "png is the output format already; omit convert_output to get PNG, or use one of jpeg, jpg, webp");

    [Theory]
    [InlineData("""{"format": "gif"}""")]
    [InlineData("""{"format": "JPEG"}""")]
    [InlineData("""{"format": 3}""")]
    public void Other_formats_are_refused(string json) =>
        AssertSingleError(json, "convert_output.format", "must be one of jpeg, jpg, webp");

    [Fact]
    public void The_format_is_required() =>
        AssertSingleError("""{"options": {"quality": 80}}""", "convert_output.format", "is required: one of jpeg, jpg, webp");

    [Theory]
    [InlineData("jpeg", "quality", "0", "must be between 1 and 100")]
    [InlineData("jpeg", "quality", "101", "must be between 1 and 100")]
    [InlineData("jpeg", "quality", "80.5", "must be an integer between 1 and 100")]
    [InlineData("jpeg", "quality", "\"80\"", "must be an integer between 1 and 100")]
    [InlineData("jpeg", "quantisationTable", "9", "must be between 0 and 8")]
    [InlineData("jpeg", "chromaSubsampling", "\"4:1:1\"", "must be one of 4:2:0, 4:4:4")]
    [InlineData("jpeg", "mozjpeg", "1", "must be true or false")]
    [InlineData("webp", "effort", "7", "must be between 0 and 6")]
    [InlineData("webp", "alphaQuality", "-1", "must be between 0 and 100")]
    [InlineData("webp", "preset", "\"cartoon\"", "must be one of default, photo, picture, drawing, icon, text")]
    [InlineData("webp", "lossless", "\"yes\"", "must be true or false")]
    public void Bad_option_values_name_the_field(string format, string option, string value, string message) =>
        AssertSingleError($$$"""{"format": "{{{format}}}", "options": {"{{{option}}}": {{{value}}}}}""", $"convert_output.options.{option}", message);

    [Fact]
    public void A_misspelt_option_is_reported_with_the_valid_names() =>
        AssertSingleError("""{"format": "webp", "options": {"qualty": 50}}""", "convert_output.options.qualty",
            "is not an option; the options are quality, alphaQuality, lossless, nearLossless, smartSubsample, preset, effort");

    [Fact]
    public void An_option_of_the_other_format_is_refused_naming_it() =>
        AssertSingleError("""{"format": "jpeg", "options": {"quality": 70, "effort": 2}}""", "convert_output.options.effort",
            "is a webp option, not a jpeg one; the jpeg options are quality, progressive, chromaSubsampling, optimizeCoding, mozjpeg, trellisQuantisation, overshootDeringing, optimizeScans, quantisationTable");

    [Fact]
    public void Options_must_be_an_object() =>
        AssertSingleError("""{"format": "jpeg", "options": [1]}""", "convert_output.options", "must be an object");

    [Fact]
    public void Unknown_fields_beside_format_and_options_are_reported() =>
        AssertSingleError("""{"format": "jpeg", "quality": 80}""", "convert_output.quality", "is not a convert_output field (format, options)");

    [Fact]
    public void Errors_already_present_for_other_fields_do_not_void_a_valid_conversion()
    {
        var errors = new Dictionary<string, string[]> { ["prompt"] = ["is required"] };
        Assert.NotNull(ConvertOutputOptions.Parse(JsonNode.Parse("""{"format": "webp"}""")!.AsObject(), errors));
        Assert.Equal(["prompt"], errors.Keys);
    }
}
