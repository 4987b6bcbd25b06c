using FluxAspire.Api.Comfy;
using FluxAspire.Api.Workflows;

namespace FluxAspire.Tests.Api;

public class Text2ImgValidatorTests
{
    private static readonly ComfyCatalog.Snapshot Catalog = new(["euler", "dpmpp_2m"], ["simple", "karras"], ["flux1-dev-fp8.safetensors"], DateTimeOffset.UnixEpoch);

    private static Dictionary<string, string[]> Validate(Text2ImgInput input) => Text2ImgValidator.Validate(input, Catalog);

    [Fact]
    public void A_prompt_alone_is_valid() => Assert.Empty(Validate(new Text2ImgInput { Prompt = "p" }));

    [Fact]
    public void Extremes_of_every_range_are_valid() =>
        Assert.Empty(Validate(new Text2ImgInput
        {
            Prompt = "p",
            Width = 256,
            Height = 2048,
            Seed = 18446744073709551615,
            Steps = 100,
            CfgScale = 20,
            Denoise = 0,
            Guidance = 10,
            SamplerName = "dpmpp_2m",
            Scheduler = "karras",
            Checkpoint = "flux1-dev-fp8.safetensors",
        }));

    [Fact]
    public void Seed_zero_and_max_are_valid()
    {
        Assert.Empty(Validate(new Text2ImgInput { Prompt = "p", Seed = 0 }));
        Assert.Empty(Validate(new Text2ImgInput { Prompt = "p", Seed = ulong.MaxValue }));
    }

    [Theory]
    [InlineData(null, "input.prompt", "is required")]
    [InlineData("   ", "input.prompt", "is required")]
    public void Prompt_is_required(string? prompt, string field, string message) =>
        Assert.Equal(new Dictionary<string, string[]> { [field] = [message] }, Validate(new Text2ImgInput { Prompt = prompt }));

    public static TheoryData<Text2ImgInput, string, string> OutOfRange => new()
    {
        { new Text2ImgInput { Prompt = "p", Width = 255 }, "input.width", "must be between 256 and 2048" },
        { new Text2ImgInput { Prompt = "p", Width = 2049 }, "input.width", "must be between 256 and 2048" },
        { new Text2ImgInput { Prompt = "p", Height = 100 }, "input.height", "must be between 256 and 2048" },
        { new Text2ImgInput { Prompt = "p", Height = 4096 }, "input.height", "must be between 256 and 2048" },
        { new Text2ImgInput { Prompt = "p", Steps = 0 }, "input.steps", "must be between 1 and 100" },
        { new Text2ImgInput { Prompt = "p", Steps = 101 }, "input.steps", "must be between 1 and 100" },
        { new Text2ImgInput { Prompt = "p", CfgScale = -0.1 }, "input.cfg_scale", "must be between 0 and 20" },
        { new Text2ImgInput { Prompt = "p", CfgScale = 20.5 }, "input.cfg_scale", "must be between 0 and 20" },
        { new Text2ImgInput { Prompt = "p", Denoise = 1.01 }, "input.denoise", "must be between 0 and 1" },
        { new Text2ImgInput { Prompt = "p", Denoise = -1 }, "input.denoise", "must be between 0 and 1" },
        { new Text2ImgInput { Prompt = "p", Guidance = 10.5 }, "input.guidance", "must be between 0 and 10" },
        { new Text2ImgInput { Prompt = "p", Guidance = -2 }, "input.guidance", "must be between 0 and 10" },
        { new Text2ImgInput { Prompt = "p", SamplerName = "nope" }, "input.sampler_name", "must be one of euler, dpmpp_2m" },
        { new Text2ImgInput { Prompt = "p", Scheduler = "nope" }, "input.scheduler", "must be one of simple, karras" },
        { new Text2ImgInput { Prompt = "p", Checkpoint = "missing.safetensors" }, "input.checkpoint", "must be one of flux1-dev-fp8.safetensors" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Each_bad_field_is_named_with_its_rule(Text2ImgInput input, string field, string message) =>
        Assert.Equal(new Dictionary<string, string[]> { [field] = [message] }, Validate(input));

    [Fact]
    public void All_bad_fields_are_reported_together()
    {
        var errors = Validate(new Text2ImgInput { Width = 1, Height = 1, Steps = 0, CfgScale = 99, Denoise = 2, Guidance = 11, SamplerName = "x", Scheduler = "y", Checkpoint = "z" });

        Assert.Equal(
            ["input.cfg_scale", "input.checkpoint", "input.denoise", "input.guidance", "input.height", "input.prompt", "input.sampler_name", "input.scheduler", "input.steps", "input.width"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_missing_input_object_is_named() =>
        Assert.Equal(new Dictionary<string, string[]> { ["input"] = ["is required"] }, Text2ImgValidator.Validate(null, Catalog));

    [Fact]
    public void Choices_are_not_checked_without_comfyuis_lists() =>
        Assert.Empty(Text2ImgValidator.Validate(new Text2ImgInput { Prompt = "p", SamplerName = "anything" }, null));

    [Theory]
    [InlineData("input.width", "must be an integer between 256 and 2048")]
    [InlineData("input.seed", "must be an integer between 0 and 18446744073709551615")]
    [InlineData("input.steps", "must be an integer between 1 and 100")]
    [InlineData("input.cfg_scale", "must be a number between 0 and 20")]
    [InlineData("input.prompt", "must be a string")]
    public void Type_errors_name_the_rule(string field, string message) => Assert.Equal(message, Text2ImgValidator.TypeErrorMessage(field));
}
