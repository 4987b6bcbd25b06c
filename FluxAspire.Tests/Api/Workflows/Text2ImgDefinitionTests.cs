using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Comfy;
using FluxAspire.Api.Workflows;

namespace FluxAspire.Tests.Api.Workflows;

/// <summary>The declarative text2img behaves exactly as the typed recipe rules (Text2ImgFields, Text2ImgValidator,
/// FluxGraph): same graph, same defaults, same messages.</summary>
public class Text2ImgDefinitionTests
{
    private static readonly WorkflowDefinition Text2Img = BuiltInWorkflows.Get("text2img");
    private static readonly ComfyCatalog.Snapshot Catalog = new(["euler", "dpmpp_2m"], ["simple", "karras"], ["flux1-dev-fp8.safetensors"], DateTimeOffset.UnixEpoch);

    private static IReadOnlyList<string>? Choices(ComfyChoiceSource source) => source.ToString() switch
    {
        "KSampler.sampler_name" => Catalog.Samplers,
        "KSampler.scheduler" => Catalog.Schedulers,
        "CheckpointLoaderSimple.ckpt_name" => Catalog.Checkpoints,
        _ => throw new InvalidOperationException(source.ToString()),
    };

    private static JsonNode ToJson(Text2ImgInput input) => JsonSerializer.SerializeToNode(input, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull })!;

    [Fact]
    public void Defaults_and_graph_equal_the_recipe_graph()
    {
        var (errors, filled) = WorkflowInputValidator.Validate(Text2Img, new JsonObject { ["prompt"] = "cute anime girl" }, Choices, () => 972054013131368);

        Assert.Empty(errors);
        var typed = Text2ImgFields.WithDefaults(new Text2ImgInput { Prompt = "cute anime girl" }, () => 972054013131368);
        Assert.Equal(JsonSerializer.Serialize(typed), filled!.ToJsonString());
        Assert.Equal(FluxGraph.Build(typed).ToJsonString(), Text2Img.Build(filled).ToJsonString());
    }

    [Fact]
    public void Every_field_reaches_the_same_graph_input_as_the_typed_builder()
    {
        var input = new Text2ImgInput
        {
            Prompt = "p", Width = 320, Height = 256, Seed = ulong.MaxValue, Steps = 2, CfgScale = 2.5, SamplerName = "dpmpp_2m",
            Scheduler = "karras", Denoise = 0.5, Guidance = 4, Checkpoint = "flux1-dev-fp8.safetensors",
        };

        var (errors, filled) = WorkflowInputValidator.Validate(Text2Img, ToJson(input), Choices);

        Assert.Empty(errors);
        Assert.Equal(FluxGraph.Build(input).ToJsonString(), Text2Img.Build(filled!).ToJsonString());
    }

    public static TheoryData<Text2ImgInput> BadInputs => new()
    {
        new Text2ImgInput { Prompt = "p", Width = 255 },
        new Text2ImgInput { Prompt = "p", Height = 4096 },
        new Text2ImgInput { Prompt = "p", Steps = 0 },
        new Text2ImgInput { Prompt = "p", Steps = 101 },
        new Text2ImgInput { Prompt = "p", CfgScale = -0.1 },
        new Text2ImgInput { Prompt = "p", CfgScale = 20.5 },
        new Text2ImgInput { Prompt = "p", Denoise = 1.01 },
        new Text2ImgInput { Prompt = "p", Guidance = 10.5 },
        new Text2ImgInput { Prompt = "p", SamplerName = "nope" },
        new Text2ImgInput { Prompt = "p", Scheduler = "nope" },
        new Text2ImgInput { Prompt = "p", Checkpoint = "missing.safetensors" },
        new Text2ImgInput { Prompt = "  " },
        new Text2ImgInput { Width = 1, Height = 1, Steps = 0, CfgScale = 99, Denoise = 2, Guidance = 11, SamplerName = "x", Scheduler = "y", Checkpoint = "z" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Validation_messages_equal_the_typed_validator(Text2ImgInput input)
    {
        var (errors, filled) = WorkflowInputValidator.Validate(Text2Img, ToJson(input), Choices);

        Assert.Null(filled);
        Assert.Equal(Text2ImgValidator.Validate(input, Catalog), errors);
    }

    [Theory]
    [InlineData("width", "\"abc\"")]
    [InlineData("width", "5.5")]
    [InlineData("seed", "18446744073709551616")]
    [InlineData("seed", "-1")]
    [InlineData("steps", "true")]
    [InlineData("cfg_scale", "\"high\"")]
    [InlineData("denoise", "[]")]
    [InlineData("guidance", "{}")]
    [InlineData("prompt", "5")]
    [InlineData("sampler_name", "1")]
    public void Type_errors_use_the_typed_messages(string field, string json)
    {
        var input = new JsonObject { ["prompt"] = "p", [field] = JsonNode.Parse(json) };

        var (errors, _) = WorkflowInputValidator.Validate(Text2Img, input, Choices);

        var expected = Text2ImgValidator.TypeErrorMessage($"input.{field}");
        if (field == "seed" && json == "-1")
        {
            // -1 is an integer, so the declarative rule names the range; the typed reader could not read it as a ulong.
            expected = "must be between 0 and 18446744073709551615";
        }

        Assert.Equal(new Dictionary<string, string[]> { [$"input.{field}"] = [expected!] }, errors);
    }

    [Fact]
    public void Numbers_as_strings_are_read_as_typed_bodies_read_them()
    {
        var (errors, filled) = WorkflowInputValidator.Validate(Text2Img, JsonNode.Parse("""{"prompt": "p", "width": "512", "cfg_scale": "2.5"}"""), Choices);

        Assert.Empty(errors);
        Assert.Equal(512L, (long)filled!["width"]!);
        Assert.Equal(2.5, (double)filled["cfg_scale"]!);
    }

    [Fact]
    public void Input_missing_or_not_an_object_is_named()
    {
        Assert.Equal(new Dictionary<string, string[]> { ["input"] = ["is required"] }, WorkflowInputValidator.Validate(Text2Img, null, Choices).Errors);
        Assert.Equal(new Dictionary<string, string[]> { ["input"] = ["must be an object"] }, WorkflowInputValidator.Validate(Text2Img, new JsonArray(), Choices).Errors);
    }

    [Fact]
    public void Unknown_choices_are_not_checked_while_ComfyUI_is_away() =>
        Assert.Empty(WorkflowInputValidator.Validate(Text2Img, new JsonObject { ["prompt"] = "p", ["sampler_name"] = "anything" }, _ => null).Errors);

    [Fact]
    public void Random_seeds_are_drawn_per_request_in_the_recipe_range()
    {
        var seeds = Enumerable.Range(0, 20).Select(_ => (ulong)WorkflowInputValidator.Validate(Text2Img, new JsonObject { ["prompt"] = "p" }, Choices).Filled!["seed"]!).ToList();

        Assert.All(seeds, s => Assert.InRange(s, 0UL, 999_999_999_999_999UL));
        Assert.True(seeds.Distinct().Count() > 1);
    }
}
