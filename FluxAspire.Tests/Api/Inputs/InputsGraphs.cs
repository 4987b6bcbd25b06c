using System.Text.Json.Nodes;
using FluxAspire.Tests.Api.Integration;

namespace FluxAspire.Tests.Api.Inputs;

internal static class InputsGraphs
{
    /// <summary>LoadImage → SaveImage: the simulator's LoadImage validation fails unless the named input file exists.</summary>
    public static JsonObject LoadAndSave(string image) => new()
    {
        ["1"] = new JsonObject { ["class_type"] = "LoadImage", ["inputs"] = new JsonObject { ["image"] = image } },
        ["2"] = new JsonObject { ["class_type"] = "SaveImage", ["inputs"] = new JsonObject { ["filename_prefix"] = "in", ["images"] = new JsonArray("1", 0) } },
    };

    /// <summary>LoadImage → SaveImage, and LoadImage → ImageInvert → SaveImage, so a fault on ImageInvert fails it.</summary>
    public static JsonObject LoadSaveAndInvert(string image)
    {
        var graph = LoadAndSave(image);
        graph["3"] = new JsonObject { ["class_type"] = "ImageInvert", ["inputs"] = new JsonObject { ["image"] = new JsonArray("1", 0) } };
        graph["4"] = new JsonObject { ["class_type"] = "SaveImage", ["inputs"] = new JsonObject { ["filename_prefix"] = "inv", ["images"] = new JsonArray("3", 0) } };
        return graph;
    }

    /// <summary>The FLUX graph (slow: one simulator step per sampler step) plus a LoadImage → SaveImage branch.</summary>
    public static JsonObject FluxWithInput(string image, int steps)
    {
        var graph = TestGraphs.Flux(width: 256, height: 256, steps: steps);
        foreach (var (key, node) in LoadAndSave(image))
        {
            graph["in" + key] = node!.DeepClone();
        }

        graph["in2"]!["inputs"]!["images"] = new JsonArray("in1", 0);
        return graph;
    }
}
