using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Prompts;

namespace FluxAspire.Tests.Api;

public class PromptGraphTests
{
    private static JsonObject Graph(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void A_graph_with_a_save_node_is_valid() =>
        Assert.Empty(PromptGraph.Validate(Graph("""{"9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]}}}""")));

    [Fact]
    public void Each_malformed_node_is_named()
    {
        var errors = PromptGraph.Validate(Graph("""{"1": 5, "2": {"inputs": {}}, "3": {"class_type": "X"}, "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "a"}}}"""));

        Assert.Equal(new Dictionary<string, string[]>
        {
            ["prompt.1"] = ["must be an object with class_type and inputs"],
            ["prompt.2.class_type"] = ["is required and must be a string"],
            ["prompt.3.inputs"] = ["is required and must be an object"],
        }, errors);
    }

    [Fact]
    public void A_graph_without_a_filename_prefix_is_refused_like_the_recipe() =>
        Assert.Equal(new Dictionary<string, string[]> { ["prompt"] = [PromptGraph.FilenamePrefixMissing] },
            PromptGraph.Validate(Graph("""{"2": {"class_type": "PreviewImage", "inputs": {"images": ["1", 0]}}}""")));

    [Fact]
    public void Missing_and_empty_prompts_are_named()
    {
        Assert.Equal(["is required"], PromptGraph.Validate(null)["prompt"]);
        Assert.Equal(["must contain at least one node"], PromptGraph.Validate([])["prompt"]);
    }

    [Fact]
    public void Every_string_filename_prefix_gets_the_id_and_the_original_is_untouched()
    {
        var original = Graph("""{"9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "ComfyUI"}}, "10": {"class_type": "SaveImage", "inputs": {"filename_prefix": "api/x"}}, "11": {"class_type": "Other", "inputs": {"filename_prefix": ["1", 0]}}}""");

        var rewritten = PromptGraph.WithIdPrefix(original, "req-1");

        Assert.Equal("req-1_ComfyUI", (string?)rewritten["9"]!["inputs"]!["filename_prefix"]);
        Assert.Equal("req-1_api/x", (string?)rewritten["10"]!["inputs"]!["filename_prefix"]);
        Assert.Equal("""["1",0]""", rewritten["11"]!["inputs"]!["filename_prefix"]!.ToJsonString());
        Assert.Equal("ComfyUI", (string?)original["9"]!["inputs"]!["filename_prefix"]);
    }

    [Theory]
    [InlineData("my-id-1", true)]
    [InlineData("6b15f99f-bb7e-4a3d-874e-f7bbc6094994", true)]
    [InlineData("a.b_c", true)]
    [InlineData("", false)]
    [InlineData(".hidden", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    public void Request_ids_are_file_name_safe(string id, bool valid) => Assert.Equal(valid, RequestIds.IsValid(id));

    [Fact]
    public void Request_ids_are_limited_to_128_characters()
    {
        Assert.True(RequestIds.IsValid(new string('a', 128)));
        Assert.False(RequestIds.IsValid(new string('a', 129)));
    }
}
