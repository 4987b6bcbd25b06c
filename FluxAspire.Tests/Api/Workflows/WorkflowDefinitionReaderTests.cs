using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Workflows;

namespace FluxAspire.Tests.Api.Workflows;

/// <summary>Broken definitions are refused at load with the problem named.</summary>
public class WorkflowDefinitionReaderTests
{
    private static JsonObject Graph() => JsonNode.Parse("""
        {"3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 2, "model": ["4", 0]}},
         "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "a.safetensors"}}}
        """)!.AsObject();

    private static string Problem(string parameters, JsonObject? graph = null) =>
        Assert.Throws<FormatException>(() => WorkflowDefinitionReader.Parse("x", JsonNode.Parse(parameters)!.AsObject(), graph ?? Graph(), "x.params.json")).Message;

    [Theory]
    [InlineData("""{"parameters": {}}""", "parameters: must be an object of name → {to, type, ...} with at least one parameter")]
    [InlineData("""{"parameters": {"s": {"to": "3.inputs.seed", "type": "int"}}}""", "parameters.s.type: must be one of string, integer, number, boolean, image (got int)")]
    [InlineData("""{"parameters": {"s": {"to": "9.inputs.seed", "type": "integer"}}}""", "parameters.s.to: the graph has no node '9'")]
    [InlineData("""{"parameters": {"s": {"to": "3.seed", "type": "integer"}}}""", "parameters.s.to: must be \"<node>.inputs.<input>\" (e.g. \"31.inputs.seed\") or {\"node\": \"31\", \"input\": \"seed\"}")]
    [InlineData("""{"parameters": {"m": {"to": "3.inputs.model", "type": "string"}}}""", "parameters.m.to: input 'model' of node '3' is a link to another node, not a value")]
    [InlineData("""{"parameters": {"s": {"to": "3.inputs.steps", "type": "integer", "min": 1, "max": 10, "default": 50}}}""", "parameters.s.default: must be between 1 and 10")]
    [InlineData("""{"parameters": {"s": {"to": "3.inputs.steps", "type": "integer", "min": 10, "max": 1}}}""", "parameters.s: min must not be greater than max")]
    [InlineData("""{"parameters": {"s": {"to": "3.inputs.steps", "type": "integer", "maximum": 10}}}""", "parameters.s.maximum: is not a known key (known: to, type, required, default, min, max, max_length, description, enum)")]
    [InlineData("""{"parameters": {"s": {"to": "3.inputs.steps", "type": "integer", "max_length": 10}}}""", "parameters.s.max_length: only string parameters take a max_length")]
    [InlineData("""{"parameters": {"p": {"to": "4.inputs.ckpt_name", "type": "string", "max_length": 0}}}""", "parameters.p.max_length: must be a positive integer")]
    [InlineData("""{"parameters": {"c": {"to": "4.inputs.ckpt_name", "type": "string", "enum": "KSampler.sampler_name"}}}""", "parameters.c.enum: must be a list of values or \"comfy:<NodeClass>.<input>\" such as \"comfy:KSampler.sampler_name\"")]
    [InlineData("""{"parameters": {"c": {"to": "4.inputs.ckpt_name", "type": "string", "enum": ["a"], "default": "b"}}}""", "parameters.c.default: must be one of a")]
    [InlineData("""{"parameters": {"s": {"to": "3.inputs.seed", "type": "boolean", "default": "random"}}}""", "parameters.s.default: must be true or false")]
    [InlineData("""{"parametres": {}}""", "parametres: is not a known key (known: schema_name, summary, description, parameters, example)")]
    [InlineData("""{"parameters": {"s": {"to": "3.inputs.seed", "type": "integer"}}, "example": {"x": 1}}""", "example.x: is not a parameter")]
    public void A_broken_parameter_map_names_the_key_and_the_rule(string parameters, string problem) => Assert.Equal(problem, Problem(parameters));

    [Fact]
    public void A_UI_format_graph_is_refused() =>
        Assert.StartsWith("graph node 'nodes' must be an object with class_type and inputs",
            Problem("""{"parameters": {"s": {"to": "3.inputs.seed", "type": "integer"}}}""", JsonNode.Parse("""{"nodes": [], "links": []}""")!.AsObject()));

    [Fact]
    public void Targets_may_be_objects_or_lists_and_the_seed_default_may_be_random()
    {
        var definition = WorkflowDefinitionReader.Parse("sdxl/my-flow", JsonNode.Parse("""
            {"parameters": {"seed": {"to": [{"node": "3", "input": "seed"}, "3.inputs.steps"], "type": "integer", "default": "random"}}}
            """)!.AsObject(), Graph(), "x");

        Assert.Equal("SdxlMyFlow", definition.SchemaName);
        Assert.Equal([("3", "seed"), ("3", "steps")], definition.Parameters[0].Targets);
        Assert.True(definition.Parameters[0].RandomDefault);
        var graph = definition.Build(new JsonObject { ["seed"] = 7 });
        Assert.Equal(7, (int)graph["3"]!["inputs"]!["seed"]!);
        Assert.Equal(7, (int)graph["3"]!["inputs"]!["steps"]!);
        Assert.Equal(1, (int)Graph()["3"]!["inputs"]!["seed"]!);
    }

    [Fact]
    public void A_folder_with_a_graph_but_no_parameter_map_fails_naming_the_file()
    {
        var folder = Directory.CreateTempSubdirectory("flux-workflows-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "lonely.json"), Graph().ToJsonString());

            var error = Assert.Throws<WorkflowDefinitionException>(() => WorkflowLibrary.Load(BuiltInWorkflows.Directory, folder));

            Assert.Equal($"Workflow definition '{Path.Combine(folder, "lonely.json")}' is invalid: no parameter map next to it (expected 'lonely.params.json')", error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_custom_definition_with_a_built_in_route_replaces_it()
    {
        var folder = Directory.CreateTempSubdirectory("flux-workflows-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "text2img.json"), Graph().ToJsonString());
            File.WriteAllText(Path.Combine(folder, "text2img.params.json"), """{"parameters": {"steps": {"to": "3.inputs.steps", "type": "integer", "default": 4}}}""");

            var library = WorkflowLibrary.Load(BuiltInWorkflows.Directory, folder);

            Assert.Equal(["img2img", "text2img"], library.Definitions.Select(d => d.Route));
            var text2img = library.Definitions[1];
            Assert.Equal(Path.Combine(folder, "text2img.params.json"), text2img.Source);
            Assert.Equal(["steps"], text2img.Parameters.Select(p => p.Name));
            Assert.Equal("Text2img", text2img.SchemaName);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_built_ins_are_text2img_and_img2img()
    {
        var library = WorkflowLibrary.Load(BuiltInWorkflows.Directory, null);

        Assert.Equal(["img2img", "text2img"], library.Definitions.Select(d => d.Route));
        var img2img = library.Definitions[0];
        Assert.Equal(["prompt", "image"], img2img.Parameters.Where(p => p.Required).Select(p => p.Name));
        Assert.Equal(WorkflowParameterType.Image, img2img.Parameters.Single(p => p.Name == "image").Type);
        Assert.Equal(0.75, (double)img2img.Parameters.Single(p => p.Name == "denoise").Default!);
    }
}
