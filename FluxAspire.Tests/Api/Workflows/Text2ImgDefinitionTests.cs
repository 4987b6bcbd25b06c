using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Workflows;

namespace FluxAspire.Tests.Api.Workflows;

/// <summary>The recipe's text2img, as its definition files (workflows/text2img.json + text2img.params.json) are the only
/// copy of it: the graph of protocol §9.1, the recipe's defaults and ranges, and every validation message, checked
/// against literal values.</summary>
public class Text2ImgDefinitionTests
{
    private static readonly WorkflowDefinition Text2Img = BuiltInWorkflows.Get("text2img");
    private static readonly string[] Samplers = ["euler", "dpmpp_2m"];
    private static readonly string[] Schedulers = ["simple", "karras"];
    private static readonly string[] Checkpoints = ["flux1-dev-fp8.safetensors"];

    private static IReadOnlyList<string>? Choices(ComfyChoiceSource source) => source.ToString() switch
    {
        "KSampler.sampler_name" => Samplers,
        "KSampler.scheduler" => Schedulers,
        "CheckpointLoaderSimple.ckpt_name" => Checkpoints,
        _ => throw new InvalidOperationException(source.ToString()),
    };

    private static Dictionary<string, string[]> Errors(string inputJson) =>
        WorkflowInputValidator.Validate(Text2Img, JsonNode.Parse(inputJson), Choices).Errors;

    private static JsonObject Filled(string inputJson)
    {
        var (errors, filled) = WorkflowInputValidator.Validate(Text2Img, JsonNode.Parse(inputJson), Choices, () => 972054013131368);
        Assert.Empty(errors);
        return filled!;
    }

    [Fact]
    public void Defaults_build_the_recipe_graph_of_protocol_section_9_1()
    {
        var graph = Text2Img.Build(Filled("""{"prompt": "cute anime girl"}"""));

        var expected = JsonNode.Parse("""
        {
          "6":  {"inputs": {"text": "cute anime girl", "clip": ["30", 1]}, "class_type": "CLIPTextEncode"},
          "8":  {"inputs": {"samples": ["31", 0], "vae": ["30", 2]}, "class_type": "VAEDecode"},
          "9":  {"inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}, "class_type": "SaveImage"},
          "27": {"inputs": {"width": 1024, "height": 1024, "batch_size": 1}, "class_type": "EmptySD3LatentImage"},
          "30": {"inputs": {"ckpt_name": "flux1-dev-fp8.safetensors"}, "class_type": "CheckpointLoaderSimple"},
          "31": {"inputs": {"seed": 972054013131368, "steps": 20, "cfg": 1, "sampler_name": "euler", "scheduler": "simple",
                            "denoise": 1, "model": ["30", 0], "positive": ["35", 0], "negative": ["33", 0], "latent_image": ["27", 0]},
                 "class_type": "KSampler"},
          "33": {"inputs": {"text": "", "clip": ["30", 1]}, "class_type": "CLIPTextEncode"},
          "35": {"inputs": {"guidance": 3.5, "conditioning": ["6", 0]}, "class_type": "FluxGuidance"}
        }
        """)!;
        // Same text as well as same tree: node and input order as the recipe's graph.
        Assert.Equal(expected.ToJsonString(), graph.ToJsonString());
    }

    [Fact]
    public void Defaults_are_the_recipes()
    {
        Assert.Equal(
            """{"prompt":"p","width":1024,"height":1024,"seed":972054013131368,"steps":20,"cfg_scale":1,"sampler_name":"euler","scheduler":"simple","denoise":1,"guidance":3.5,"checkpoint":"flux1-dev-fp8.safetensors"}""",
            Filled("""{"prompt": "p"}""").ToJsonString());
    }

    [Fact]
    public void Every_input_field_lands_on_its_node()
    {
        var graph = PromptGraphWithPrefix(Text2Img.Build(Filled("""
            {"prompt": "p", "width": 832, "height": 1216, "seed": 18446744073709551615, "steps": 7, "cfg_scale": 2.5,
             "sampler_name": "dpmpp_2m", "scheduler": "karras", "denoise": 0.75, "guidance": 4.5, "checkpoint": "flux1-dev-fp8.safetensors"}
            """)), "job");

        Assert.Equal("p", (string?)graph["6"]!["inputs"]!["text"]);
        Assert.Equal(832L, (long)graph["27"]!["inputs"]!["width"]!);
        Assert.Equal(1216L, (long)graph["27"]!["inputs"]!["height"]!);
        var sampler = graph["31"]!["inputs"]!;
        Assert.Equal("18446744073709551615", sampler["seed"]!.ToJsonString());
        Assert.Equal(7L, (long)sampler["steps"]!);
        Assert.Equal(2.5, (double)sampler["cfg"]!);
        Assert.Equal("dpmpp_2m", (string?)sampler["sampler_name"]);
        Assert.Equal("karras", (string?)sampler["scheduler"]);
        Assert.Equal(0.75, (double)sampler["denoise"]!);
        Assert.Equal(4.5, (double)graph["35"]!["inputs"]!["guidance"]!);
        Assert.Equal("flux1-dev-fp8.safetensors", (string?)graph["30"]!["inputs"]!["ckpt_name"]);
        Assert.Equal("job_ComfyUI", (string?)graph["9"]!["inputs"]!["filename_prefix"]);
    }

    private static JsonObject PromptGraphWithPrefix(JsonObject graph, string id) => FluxAspire.Api.Pipeline.Prompts.PromptGraph.WithIdPrefix(graph, id);

    [Fact]
    public void Extremes_of_every_range_are_valid() =>
        Assert.Empty(Errors("""
            {"prompt": "p", "width": 256, "height": 2048, "seed": 18446744073709551615, "steps": 100, "cfg_scale": 20, "denoise": 0,
             "guidance": 10, "sampler_name": "dpmpp_2m", "scheduler": "karras", "checkpoint": "flux1-dev-fp8.safetensors"}
            """));

    [Fact]
    public void Given_values_are_kept_and_the_random_seed_is_only_drawn_when_missing()
    {
        var drawn = 0;
        var (_, filled) = WorkflowInputValidator.Validate(Text2Img, JsonNode.Parse("""{"prompt": "p", "seed": 0, "width": 256}"""), Choices, () => { drawn++; return 5; });

        Assert.Equal("0", filled!["seed"]!.ToJsonString());
        Assert.Equal("256", filled["width"]!.ToJsonString());
        Assert.Equal(0, drawn);
    }

    [Theory]
    [InlineData("""{}""", "input.prompt", "is required")]
    [InlineData("""{"prompt": "   "}""", "input.prompt", "is required")]
    [InlineData("""{"prompt": "p", "width": 255}""", "input.width", "must be between 256 and 2048")]
    [InlineData("""{"prompt": "p", "width": 2049}""", "input.width", "must be between 256 and 2048")]
    [InlineData("""{"prompt": "p", "height": 100}""", "input.height", "must be between 256 and 2048")]
    [InlineData("""{"prompt": "p", "height": 4096}""", "input.height", "must be between 256 and 2048")]
    [InlineData("""{"prompt": "p", "steps": 0}""", "input.steps", "must be between 1 and 100")]
    [InlineData("""{"prompt": "p", "steps": 101}""", "input.steps", "must be between 1 and 100")]
    [InlineData("""{"prompt": "p", "cfg_scale": -0.1}""", "input.cfg_scale", "must be between 0 and 20")]
    [InlineData("""{"prompt": "p", "cfg_scale": 20.5}""", "input.cfg_scale", "must be between 0 and 20")]
    [InlineData("""{"prompt": "p", "denoise": 1.01}""", "input.denoise", "must be between 0 and 1")]
    [InlineData("""{"prompt": "p", "denoise": -1}""", "input.denoise", "must be between 0 and 1")]
    [InlineData("""{"prompt": "p", "guidance": 10.5}""", "input.guidance", "must be between 0 and 10")]
    [InlineData("""{"prompt": "p", "guidance": -2}""", "input.guidance", "must be between 0 and 10")]
    [InlineData("""{"prompt": "p", "seed": -1}""", "input.seed", "must be between 0 and 18446744073709551615")]
    [InlineData("""{"prompt": "p", "sampler_name": "nope"}""", "input.sampler_name", "must be one of euler, dpmpp_2m")]
    [InlineData("""{"prompt": "p", "scheduler": "nope"}""", "input.scheduler", "must be one of simple, karras")]
    [InlineData("""{"prompt": "p", "checkpoint": "missing.safetensors"}""", "input.checkpoint", "must be one of flux1-dev-fp8.safetensors")]
    public void Each_bad_field_is_named_with_its_rule(string input, string field, string message) =>
        Assert.Equal(new Dictionary<string, string[]> { [field] = [message] }, Errors(input));

    [Fact]
    public void All_bad_fields_are_reported_together()
    {
        var (errors, filled) = WorkflowInputValidator.Validate(Text2Img, JsonNode.Parse("""
            {"width": 1, "height": 1, "steps": 0, "cfg_scale": 99, "denoise": 2, "guidance": 11, "sampler_name": "x", "scheduler": "y", "checkpoint": "z"}
            """), Choices);

        Assert.Null(filled);
        Assert.Equal(new Dictionary<string, string[]>
        {
            ["input.prompt"] = ["is required"],
            ["input.width"] = ["must be between 256 and 2048"],
            ["input.height"] = ["must be between 256 and 2048"],
            ["input.steps"] = ["must be between 1 and 100"],
            ["input.cfg_scale"] = ["must be between 0 and 20"],
            ["input.sampler_name"] = ["must be one of euler, dpmpp_2m"],
            ["input.scheduler"] = ["must be one of simple, karras"],
            ["input.denoise"] = ["must be between 0 and 1"],
            ["input.guidance"] = ["must be between 0 and 10"],
            ["input.checkpoint"] = ["must be one of flux1-dev-fp8.safetensors"],
        }, errors);
    }

    [Theory]
    [InlineData("width", "\"abc\"", "must be an integer between 256 and 2048")]
    [InlineData("width", "5.5", "must be an integer between 256 and 2048")]
    [InlineData("seed", "18446744073709551616", "must be an integer between 0 and 18446744073709551615")]
    [InlineData("steps", "true", "must be an integer between 1 and 100")]
    [InlineData("cfg_scale", "\"high\"", "must be a number between 0 and 20")]
    [InlineData("denoise", "[]", "must be a number between 0 and 1")]
    [InlineData("guidance", "{}", "must be a number between 0 and 10")]
    [InlineData("prompt", "5", "must be a string")]
    [InlineData("sampler_name", "1", "must be a string")]
    [InlineData("scheduler", "false", "must be a string")]
    [InlineData("checkpoint", "2", "must be a string")]
    public void Type_errors_name_the_rule(string field, string json, string message)
    {
        var input = new JsonObject { ["prompt"] = "p", [field] = JsonNode.Parse(json) };

        var (errors, _) = WorkflowInputValidator.Validate(Text2Img, input, Choices);

        Assert.Equal(new Dictionary<string, string[]> { [$"input.{field}"] = [message] }, errors);
    }

    [Theory]
    [InlineData("""{"prompt": "p", "width": "512"}""", "input.width", "must be a JSON number, not a string (an integer between 256 and 2048)")]
    [InlineData("""{"prompt": "p", "width": "+512"}""", "input.width", "must be a JSON number, not a string (an integer between 256 and 2048)")]
    [InlineData("""{"prompt": "p", "width": " 1024 "}""", "input.width", "must be a JSON number, not a string (an integer between 256 and 2048)")]
    [InlineData("""{"prompt": "p", "width": "0x400"}""", "input.width", "must be an integer between 256 and 2048")]
    [InlineData("""{"prompt": "p", "width": 1024.5}""", "input.width", "must be an integer between 256 and 2048")]
    [InlineData("""{"prompt": "p", "cfg_scale": "1"}""", "input.cfg_scale", "must be a JSON number, not a string (a number between 0 and 20)")]
    [InlineData("""{"prompt": "p", "steps": true}""", "input.steps", "must be an integer between 1 and 100")]
    [InlineData("""{"prompt": "p", "size": 512}""", "input.size", "is not a parameter of this workflow (it takes prompt, width, height, seed, steps, cfg_scale, sampler_name, scheduler, denoise, guidance, checkpoint)")]
    public void Numbers_are_JSON_numbers_and_unknown_fields_are_refused(string input, string field, string message)
    {
        var (errors, filled) = WorkflowInputValidator.Validate(Text2Img, JsonNode.Parse(input), Choices);

        Assert.Null(filled);
        Assert.Equal(new Dictionary<string, string[]> { [field] = [message] }, errors);
    }

    [Theory]
    [InlineData("1024", 1024L)]
    [InlineData("1024.0", 1024L)]
    [InlineData("1.024e3", 1024L)]
    public void An_integer_may_be_written_as_any_integral_JSON_number(string width, long expected)
    {
        var (errors, filled) = WorkflowInputValidator.Validate(Text2Img, JsonNode.Parse($$"""{"prompt": "p", "width": {{width}}}"""), Choices);

        Assert.Empty(errors);
        Assert.Equal(expected, (long)filled!["width"]!);
    }

    [Fact]
    public void A_prompt_longer_than_the_maximum_is_refused_with_the_limit()
    {
        var (errors, _) = WorkflowInputValidator.Validate(Text2Img, new JsonObject { ["prompt"] = new string('z', WorkflowParameter.DefaultMaxLength + 1) }, Choices);

        Assert.Equal(new Dictionary<string, string[]> { ["input.prompt"] = [$"must be at most {WorkflowParameter.DefaultMaxLength} characters long (got {WorkflowParameter.DefaultMaxLength + 1})"] }, errors);
        Assert.Empty(WorkflowInputValidator.Validate(Text2Img, new JsonObject { ["prompt"] = new string('z', WorkflowParameter.DefaultMaxLength) }, Choices).Errors);
    }

    [Fact]
    public void Input_missing_or_not_an_object_is_named()
    {
        Assert.Equal(new Dictionary<string, string[]> { ["input"] = ["is required"] }, WorkflowInputValidator.Validate(Text2Img, null, Choices).Errors);
        Assert.Equal(new Dictionary<string, string[]> { ["input"] = ["must be an object"] }, WorkflowInputValidator.Validate(Text2Img, new JsonArray(), Choices).Errors);
        Assert.Equal(new Dictionary<string, string[]> { ["input"] = ["must be an object"] }, WorkflowInputValidator.Validate(Text2Img, JsonValue.Create("text"), Choices).Errors);
    }

    [Fact]
    public void Unknown_choices_are_not_checked_while_ComfyUI_is_away() =>
        Assert.Empty(WorkflowInputValidator.Validate(Text2Img, new JsonObject { ["prompt"] = "p", ["sampler_name"] = "anything" }, _ => null).Errors);

    [Fact]
    public void Random_seeds_are_drawn_per_request_in_the_recipe_range()
    {
        var seeds = Enumerable.Range(0, 1000).Select(_ => (ulong)WorkflowInputValidator.Validate(Text2Img, new JsonObject { ["prompt"] = "p" }, Choices).Filled!["seed"]!).ToList();

        Assert.All(seeds, s => Assert.InRange(s, 0UL, 999_999_999_999_999UL));
        Assert.True(seeds.Distinct().Count() > 1);
    }

    [Fact]
    public void The_library_keeps_the_built_in_recipe_for_warmup_and_the_prompt_example()
    {
        var library = WorkflowLibrary.Load(BuiltInWorkflows.Directory, null);

        Assert.Equal("text2img", library.Recipe.Route);
        Assert.Equal(Text2Img.Graph.ToJsonString(), library.Recipe.Graph.ToJsonString());
    }
}
