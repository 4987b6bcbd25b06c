using System.Text.Json.Nodes;
using FluxAspire.Api.Workflows;

namespace FluxAspire.Tests.Api;

public class FluxGraphTests
{
    private static Text2ImgInput Filled(Text2ImgInput input) => Text2ImgFields.WithDefaults(input, () => 972054013131368);

    [Fact]
    public void Defaults_build_the_recipe_graph_of_protocol_section_9_1()
    {
        var graph = FluxGraph.Build(Filled(new Text2ImgInput { Prompt = "cute anime girl" }));

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
        """);
        Assert.True(JsonNode.DeepEquals(expected, graph), graph.ToJsonString());
    }

    [Fact]
    public void Every_input_field_lands_on_its_node()
    {
        var graph = FluxGraph.Build(Filled(new Text2ImgInput
        {
            Prompt = "p",
            Width = 832,
            Height = 1216,
            Seed = 18446744073709551615,
            Steps = 7,
            CfgScale = 2.5,
            SamplerName = "dpmpp_2m",
            Scheduler = "karras",
            Denoise = 0.75,
            Guidance = 4.5,
            Checkpoint = "other.safetensors",
        }), "job_ComfyUI");

        Assert.Equal("p", (string?)graph["6"]!["inputs"]!["text"]);
        Assert.Equal(832, (int)graph["27"]!["inputs"]!["width"]!);
        Assert.Equal(1216, (int)graph["27"]!["inputs"]!["height"]!);
        var sampler = graph["31"]!["inputs"]!;
        Assert.Equal("18446744073709551615", sampler["seed"]!.ToJsonString());
        Assert.Equal(7, (int)sampler["steps"]!);
        Assert.Equal(2.5, (double)sampler["cfg"]!);
        Assert.Equal("dpmpp_2m", (string?)sampler["sampler_name"]);
        Assert.Equal("karras", (string?)sampler["scheduler"]);
        Assert.Equal(0.75, (double)sampler["denoise"]!);
        Assert.Equal(4.5, (double)graph["35"]!["inputs"]!["guidance"]!);
        Assert.Equal("other.safetensors", (string?)graph["30"]!["inputs"]!["ckpt_name"]);
        Assert.Equal("job_ComfyUI", (string?)graph["9"]!["inputs"]!["filename_prefix"]);
    }

    [Fact]
    public void Defaults_are_the_recipes()
    {
        var filled = Filled(new Text2ImgInput { Prompt = "p" });

        Assert.Equal(new Text2ImgInput
        {
            Prompt = "p",
            Width = 1024,
            Height = 1024,
            Seed = 972054013131368,
            Steps = 20,
            CfgScale = 1,
            SamplerName = "euler",
            Scheduler = "simple",
            Denoise = 1,
            Guidance = 3.5,
            Checkpoint = "flux1-dev-fp8.safetensors",
        }, filled);
    }

    [Fact]
    public void Given_values_are_kept_and_the_random_seed_is_only_drawn_when_missing()
    {
        var drawn = 0;
        var filled = Text2ImgFields.WithDefaults(new Text2ImgInput { Prompt = "p", Seed = 0, Width = 256 }, () => { drawn++; return 5; });

        Assert.Equal(0UL, filled.Seed);
        Assert.Equal(256, filled.Width);
        Assert.Equal(0, drawn);
    }

    [Fact]
    public void Random_seeds_stay_below_1e15_like_the_recipe()
    {
        for (var i = 0; i < 1000; i++)
        {
            Assert.InRange(Text2ImgFields.RandomSeed(), 0UL, 999_999_999_999_999UL);
        }
    }
}
