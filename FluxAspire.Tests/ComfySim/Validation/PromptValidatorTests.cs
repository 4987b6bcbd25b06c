using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Schemas;
using FluxAspire.ComfySim.Validation;
using FluxAspire.Tests.ComfySim.Schemas;

namespace FluxAspire.Tests.ComfySim.Validation;

/// <summary>ComfyUI 0.3.64 behaviour beyond the captured cases, derived from execution.py (quirks included).</summary>
public sealed class PromptValidatorTests : IDisposable
{
    private readonly TempComfyFolders _temp = new();
    private readonly PromptValidator _validator;

    public PromptValidatorTests() => _validator = new PromptValidator(new NodeSchemaCatalog(_temp.Folders));

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Every_failing_output_is_added_to_every_failed_node_seen_so_far()
    {
        // Python appends each failing output to all invalid nodes in `validated`, related or not.
        var result = _validator.Validate(Prompt("""
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": "abc"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
             "4": {"class_type": "PrimitiveInt", "inputs": {"value": "x"}},
             "5": {"class_type": "PreviewAny", "inputs": {"source": ["4", 0]}}}
            """), null);

        Assert.False(result.Ok);
        Assert.Equal("""{"type":"prompt_outputs_failed_validation","message":"Prompt outputs failed validation","details":"","extra_info":{}}""", result.Error!.ToJsonString());
        Assert.Equal(["1", "4"], result.NodeErrors.Select(p => p.Key));
        Assert.Equal("""["2","5"]""", result.NodeErrors["1"]!["dependent_outputs"]!.ToJsonString());
        Assert.Equal("""["5"]""", result.NodeErrors["4"]!["dependent_outputs"]!.ToJsonString());
        CapturedValidationTests.AssertJsonEqual(JsonNode.Parse(
            """{"type":"invalid_input_type","message":"Failed to convert an input value to a INT value","details":"value, x, invalid literal for int() with base 10: 'x'","extra_info":{"input_name":"value","input_config":["INT",{"min":-9223372036854775807,"max":9223372036854775807,"control_after_generate":true}],"received_value":"x","exception_message":"invalid literal for int() with base 10: 'x'"}}"""),
            result.NodeErrors["4"]!["errors"]![0]);
    }

    [Fact]
    public void Seeds_are_unbounded_integers()
    {
        var prompt = FluxPrompt();
        prompt["31"]!["inputs"]!["seed"] = JsonNode.Parse("18446744073709551615");
        Assert.True(_validator.Validate(prompt, null).Ok);

        prompt["31"]!["inputs"]!["seed"] = JsonNode.Parse("18446744073709551616");
        var result = _validator.Validate(prompt, null);
        var error = result.NodeErrors["31"]!["errors"]![0]!;
        Assert.Equal("value_bigger_than_max", (string?)error["type"]);
        Assert.Equal("Value 18446744073709551616 bigger than max of 18446744073709551615", (string?)error["message"]);
        Assert.Equal("18446744073709551616", error["extra_info"]!["received_value"]!.ToJsonString());
    }

    [Fact]
    public void A_float_for_a_FLOAT_input_below_min_is_reported_with_Python_formatting()
    {
        var prompt = FluxPrompt();
        prompt["35"]!["inputs"]!["guidance"] = JsonNode.Parse("-1");
        var error = _validator.Validate(prompt, null).NodeErrors["35"]!["errors"]![0]!;
        Assert.Equal("Value -1.0 smaller than min of 0.0", (string?)error["message"]);
        Assert.Equal("-1.0", error["extra_info"]!["received_value"]!.ToJsonString());
    }

    [Fact]
    public void Wrapped_values_are_unwrapped_and_converted_in_place()
    {
        var prompt = Prompt("""
            {"1": {"class_type": "PrimitiveInt", "inputs": {"value": {"__value__": "5"}}},
             "2": {"class_type": "PrimitiveBoolean", "inputs": {"value": "false"}},
             "3": {"class_type": "PrimitiveString", "inputs": {"value": 1.5}},
             "4": {"class_type": "StringConcatenate", "inputs": {"string_a": ["3", 0], "string_b": null, "delimiter": true}},
             "9": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}},
             "10": {"class_type": "PreviewAny", "inputs": {"source": ["2", 0]}},
             "11": {"class_type": "PreviewAny", "inputs": {"source": ["4", 0]}}}
            """);
        var result = _validator.Validate(prompt, null);

        Assert.True(result.Ok);
        Assert.Equal(["9", "10", "11"], result.GoodOutputs);
        Assert.Equal("""{"value":5}""", prompt["1"]!["inputs"]!.ToJsonString());
        Assert.Equal("""{"value":true}""", prompt["2"]!["inputs"]!.ToJsonString()); // bool("false") is True
        Assert.Equal("""{"value":"1.5"}""", prompt["3"]!["inputs"]!.ToJsonString());
        Assert.Equal("""{"string_a":["3",0],"string_b":"None","delimiter":"True"}""", prompt["4"]!["inputs"]!.ToJsonString());
    }

    [Fact]
    public void V3_combos_are_not_checked_but_classic_combos_are()
    {
        var v3 = Prompt("""
            {"1": {"class_type": "PhotoMakerLoader", "inputs": {"photomaker_model_name": "nope.bin"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """);
        Assert.True(_validator.Validate(v3, null).Ok);

        var classic = Prompt("""
            {"1": {"class_type": "UNETLoader", "inputs": {"unet_name": "nope.safetensors", "weight_dtype": "default"}},
             "2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}
            """);
        var error = _validator.Validate(classic, null).NodeErrors["1"]!["errors"]![0]!;
        Assert.Equal("unet_name: 'nope.safetensors' not in []", (string?)error["details"]);

        TempComfyFolders.Touch(_temp.Model("diffusion_models", "nope.safetensors"));
        Assert.True(_validator.Validate(Prompt(classic.ToJsonString()), null).Ok);
    }

    [Fact]
    public void LoadImage_checks_the_file_and_skips_the_combo_list()
    {
        string Graph(string image) => """
            {"1": {"class_type": "LoadImage", "inputs": {"image": "IMAGE_NAME"}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """.Replace("IMAGE_NAME", image, StringComparison.Ordinal);
        TempComfyFolders.Touch(_temp.Input("here.png"));
        TempComfyFolders.Touch(Path.Combine(_temp.Folders.OutputDirectory, "made.png"));

        Assert.True(_validator.Validate(Prompt(Graph("here.png")), null).Ok);
        Assert.True(_validator.Validate(Prompt(Graph("made.png [output]")), null).Ok);
        var error = _validator.Validate(Prompt(Graph("made.png")), null).NodeErrors["1"]!["errors"]!.AsArray().Single()!;
        Assert.Equal("image - Invalid image file: made.png", (string?)error["details"]);
    }

    [Theory]
    [InlineData("LoadImageOutput", "image", "Invalid image file: x.png [output]")]
    [InlineData("WebcamCapture", "image", "Invalid image file: x.png [output]")]
    [InlineData("LoadLatent", "latent", "Invalid latent file: x.png [output]")]
    [InlineData("LoadAudio", "audio", "Invalid audio file: x.png [output]")]
    [InlineData("LoadVideo", "file", "Invalid video file: x.png [output]")]
    public void File_loaders_validate_that_their_file_exists(string classType, string input, string message)
    {
        var prompt = Prompt("""{"2": {"class_type": "PreviewAny", "inputs": {"source": ["1", 0]}}}""");
        prompt["1"] = new JsonObject
        {
            ["class_type"] = classType,
            ["inputs"] = new JsonObject { [input] = "x.png [output]", ["width"] = 0, ["height"] = 0, ["capture_on_queue"] = true },
        };
        var errors = _validator.Validate(prompt.DeepClone().AsObject(), null).NodeErrors["1"]!["errors"]!.AsArray();
        Assert.Equal($"{input} - {message}", (string?)errors.Single()!["details"]);

        TempComfyFolders.Touch(Path.Combine(_temp.Folders.OutputDirectory, "x.png"));
        Assert.True(_validator.Validate(prompt, null).Ok);
    }

    [Fact]
    public void A_linked_file_input_crashes_the_validator_and_is_reported_by_the_consumer()
    {
        // While validating, ComfyUI passes None for a linked input; LoadImage.VALIDATE_INPUTS calls None.endswith.
        var result = _validator.Validate(Prompt("""
            {"1": {"class_type": "PrimitiveString", "inputs": {"value": "a.png"}},
             "2": {"class_type": "LoadImage", "inputs": {"image": ["1", 0]}},
             "3": {"class_type": "PreviewImage", "inputs": {"images": ["2", 0]}}}
            """), null);

        CapturedValidationTests.AssertJsonEqual(JsonNode.Parse("""
            {"2": {"errors": [{"type": "exception_during_inner_validation", "message": "Exception when validating inner node",
              "details": "'NoneType' object has no attribute 'endswith'", "extra_info": {"input_name": "images", "input_config": ["IMAGE", {}],
              "exception_message": "'NoneType' object has no attribute 'endswith'", "exception_type": "AttributeError", "traceback": [],
              "linked_node": ["2", 0]}}], "dependent_outputs": ["3"], "class_type": "LoadImage"}}
            """), result.NodeErrors);
    }

    [Fact]
    public void A_missing_file_input_is_a_TypeError_from_the_node_validator()
    {
        var result = _validator.Validate(Prompt("""
            {"1": {"class_type": "LoadImage", "inputs": {}},
             "2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """), null);
        var error = result.NodeErrors["1"]!["errors"]!.AsArray().Single()!;
        Assert.Equal("LoadImage.VALIDATE_INPUTS() missing 1 required positional argument: 'image'", (string?)error["details"]);
        Assert.Equal("TypeError", (string?)error["extra_info"]!["exception_type"]);
    }

    [Theory]
    [InlineData("[\"30\", -1]", null, null)] // Python tuple indexing: -1 is the last output, VAE
    [InlineData("[\"30\", \"2\"]", "TypeError", "tuple indices must be integers or slices, not str")]
    [InlineData("[\"30\", 2.0]", "TypeError", "tuple indices must be integers or slices, not float")]
    [InlineData("[\"30\", 99999999999999999999]", "IndexError", "cannot fit 'int' into an index-sized integer")]
    [InlineData("[null, 2]", "KeyError", "None")]
    [InlineData("[[\"30\"], 2]", "TypeError", "unhashable type: 'list'")]
    public void Broken_links_raise_what_Python_raises(string link, string? exceptionType, string? message)
    {
        var prompt = FluxPrompt();
        prompt["8"]!["inputs"]!["vae"] = JsonNode.Parse(link);
        var result = _validator.Validate(prompt, null);
        if (exceptionType is null)
        {
            Assert.True(result.Ok);
            return;
        }

        var error = result.NodeErrors["8"]!["errors"]!.AsArray().Single()!;
        Assert.Equal(("exception_during_inner_validation", message, exceptionType),
            ((string?)error["type"], (string?)error["details"], (string?)error["extra_info"]!["exception_type"]));
    }

    [Fact]
    public void A_node_without_inputs_is_a_KeyError()
    {
        var result = _validator.Validate(Prompt("""{"2": {"class_type": "PreviewAny"}}"""), null);
        Assert.Equal("Exception when validating node: 'inputs'", (string?)result.Error!["details"]);
    }

    [Fact]
    public void A_cycle_fails_without_crashing_and_reports_no_node_errors()
    {
        // Python hits its recursion limit; every frame then overwrites the recorded exception with a plain failure.
        var result = _validator.Validate(Prompt("""
            {"1": {"class_type": "ImageInvert", "inputs": {"image": ["2", 0]}},
             "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
             "3": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}
            """), null);
        Assert.False(result.Ok);
        Assert.Equal("", (string?)result.Error!["details"]);
        Assert.Empty(result.NodeErrors);
    }

    [Fact]
    public void Partial_execution_targets_that_are_not_outputs_leave_no_outputs()
    {
        var result = _validator.Validate(FluxPrompt(), ["31", "8"]);
        Assert.Equal("prompt_no_outputs", (string?)result.Error!["type"]);
    }

    [Fact]
    public void Outputs_are_validated_in_prompt_order()
    {
        var prompt = FluxPrompt();
        prompt["50"] = JsonNode.Parse("""{"class_type": "PreviewImage", "inputs": {"images": ["8", 0]}}""");
        prompt["10"] = JsonNode.Parse("""{"class_type": "SaveImageWebsocket", "inputs": {"images": ["8", 0]}}""");
        Assert.Equal(["9", "50", "10"], _validator.Validate(prompt, null).GoodOutputs);
    }

    [Theory]
    [InlineData("IMAGE", "IMAGE", true)]
    [InlineData("IMAGE", "MASK", false)]
    [InlineData("IMAGE,MASK", "MASK, LATENT", true)]
    [InlineData("*", "MODEL", true)]
    [InlineData("MODEL", "*", true)]
    [InlineData("STRING", "[\"a\"]", false)]
    public void Link_types_match_like_validate_node_input(string received, string input, bool expected)
    {
        JsonNode Node(string t) => t.StartsWith('[') ? JsonNode.Parse(t)! : JsonValue.Create(t);
        Assert.Equal(expected, PromptValidator.ValidateNodeInput(Node(received), Node(input)));
    }

    private static JsonObject FluxPrompt() => Captures.Request("http:validate:width_not_multiple_of_16")["prompt"]!.AsObject();

    private static JsonObject Prompt(string json) => JsonNode.Parse(json)!.AsObject();
}
