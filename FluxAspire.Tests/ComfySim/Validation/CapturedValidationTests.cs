using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Schemas;
using FluxAspire.ComfySim.Validation;
using FluxAspire.Tests.ComfySim.Schemas;

namespace FluxAspire.Tests.ComfySim.Validation;

/// <summary>Every captured POST /prompt validation case from real ComfyUI 0.3.64, replayed through the validator.</summary>
public sealed class CapturedValidationTests : IDisposable
{
    /// <summary>Rejections the POST /prompt route makes before validation (no prompt, unparsable body, prompt not an object).</summary>
    private static readonly string[] RouteKinds = ["http:validate:no_prompt", "http:validate:invalid_json", "http:validate:prompt_is_list"];

    private static readonly string[] RejectedKinds =
    [
        "http:validate:unknown_class", "http:validate:missing_class_type", "http:validate:no_outputs",
        "http:validate:missing_required", "http:validate:invalid_int", "http:validate:below_min", "http:validate:above_max",
        "http:validate:guidance_above_max", "http:validate:ckpt_not_in_list", "http:validate:sampler_not_in_list",
        "http:validate:scheduler_not_in_list", "http:validate:link_missing_node_inner", "http:validate:link_missing_node_output",
        "http:validate:bad_link_len", "http:validate:type_mismatch", "http:validate:slot_out_of_range",
        "http:validate:int_node_id_in_link", "http:validate:loadimage_missing_file",
    ];

    private readonly TempComfyFolders _temp = new();

    public static TheoryData<string> Rejected => [.. RejectedKinds];

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Every_captured_validation_kind_is_replayed()
    {
        var captured = Captures.WithPrefix("http:validate:").Select(r => (string)r["kind"]!).Order().ToList();
        string[] accepted = ["http:validate:partial_ok_second_output_bad", "http:validate:float_for_int_and_string_number",
            "http:validate:width_not_multiple_of_16", "http:validate:partial_execution_targets"];
        Assert.Equal(captured, [.. RejectedKinds.Concat(accepted).Concat(RouteKinds).Order()]);
    }

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Rejected_prompt_gives_the_captured_400_body(string kind)
    {
        Assert.Equal(400, (int)Captures.Get(kind)["status"]!);
        var result = Validate(kind);

        Assert.False(result.Ok);
        Assert.Empty(result.GoodOutputs);
        var actual = new JsonObject { ["error"] = result.Error, ["node_errors"] = result.NodeErrors };
        AssertJsonEqual(Captures.Body(kind), actual);
    }

    [Theory]
    [InlineData("http:validate:partial_ok_second_output_bad", new[] { "9" })]
    [InlineData("http:validate:float_for_int_and_string_number", new[] { "9" })]
    [InlineData("http:validate:width_not_multiple_of_16", new[] { "9" })]
    [InlineData("http:validate:partial_execution_targets", new[] { "50" })]
    public void Accepted_prompt_gives_the_captured_node_errors_and_outputs(string kind, string[] goodOutputs)
    {
        Assert.Equal(200, (int)Captures.Get(kind)["status"]!);
        var result = Validate(kind);

        Assert.True(result.Ok);
        Assert.Null(result.Error);
        Assert.Equal(goodOutputs, result.GoodOutputs);
        AssertJsonEqual(Captures.Body(kind)!["node_errors"], result.NodeErrors);
    }

    [Fact]
    public void Constants_are_converted_in_the_stored_prompt_as_Python_does()
    {
        var prompt = Captures.Request("http:validate:float_for_int_and_string_number")["prompt"]!.AsObject();
        Assert.True(new PromptValidator(new NodeSchemaCatalog(_temp.Folders)).Validate(prompt, null).Ok);

        // "512" -> int("512") = 512; 2.7 -> int(2.7) = 2; floats keep their decimal point.
        Assert.Equal("""{"width":512,"height":512,"batch_size":1}""", prompt["27"]!["inputs"]!.ToJsonString());
        Assert.Equal(
            """{"seed":11,"steps":2,"cfg":1.0,"sampler_name":"euler","scheduler":"simple","denoise":1.0,"model":["30",0],"positive":["35",0],"negative":["33",0],"latent_image":["27",0]}""",
            prompt["31"]!["inputs"]!.ToJsonString());
        Assert.Equal("""{"guidance":3.5,"conditioning":["6",0]}""", prompt["35"]!["inputs"]!.ToJsonString());
    }

    private ValidationResult Validate(string kind)
    {
        var request = Captures.Request(kind);
        var targets = request["partial_execution_targets"]?.AsArray().Select(t => (string)t!).ToList();
        return new PromptValidator(new NodeSchemaCatalog(_temp.Folders)).Validate(request["prompt"]!.AsObject(), targets);
    }

    /// <summary>
    /// Exact JSON equality, except that traceback lists (one placeholder line in the trimmed capture) are not compared.
    /// The text is compared too, because DeepEquals takes 1000 and 1000.0 as equal and Python writes them differently.
    /// </summary>
    internal static void AssertJsonEqual(JsonNode? expected, JsonNode? actual)
    {
        var e = WithoutTracebacks(expected?.DeepClone());
        var a = WithoutTracebacks(actual?.DeepClone());
        Assert.True(JsonNode.DeepEquals(e, a), $"expected:\n{e?.ToJsonString()}\nactual:\n{a?.ToJsonString()}");
        Assert.Equal(e?.ToJsonString(), a?.ToJsonString());
    }

    private static JsonNode? WithoutTracebacks(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Select(p => p.Key).ToList())
                {
                    if (key == "traceback" && o[key] is JsonArray)
                    {
                        o[key] = new JsonArray();
                    }
                    else
                    {
                        WithoutTracebacks(o[key]);
                    }
                }

                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    WithoutTracebacks(item);
                }

                break;
        }

        return node;
    }
}
