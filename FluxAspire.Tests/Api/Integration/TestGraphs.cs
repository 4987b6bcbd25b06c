using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Api.Integration;

internal static class TestGraphs
{
    /// <summary>The FLUX graph of protocol §9.1, written out by hand (independent of the API's own builder).</summary>
    public static JsonObject Flux(int width = 512, int height = 512, int steps = 2, string prefix = "ComfyUI", ulong seed = 7) => JsonNode.Parse($$$"""
        {
          "6":  {"class_type": "CLIPTextEncode", "inputs": {"text": "a test", "clip": ["30", 1]}},
          "33": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["30", 1]}},
          "35": {"class_type": "FluxGuidance", "inputs": {"guidance": 3.5, "conditioning": ["6", 0]}},
          "27": {"class_type": "EmptySD3LatentImage", "inputs": {"width": {{{width}}}, "height": {{{height}}}, "batch_size": 1}},
          "30": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "flux1-dev-fp8.safetensors"}},
          "31": {"class_type": "KSampler", "inputs": {"seed": {{{seed}}}, "steps": {{{steps}}}, "cfg": 1.0, "sampler_name": "euler",
                 "scheduler": "simple", "denoise": 1.0, "model": ["30", 0], "positive": ["35", 0], "negative": ["33", 0], "latent_image": ["27", 0]}},
          "8":  {"class_type": "VAEDecode", "inputs": {"samples": ["31", 0], "vae": ["30", 2]}},
          "9":  {"class_type": "SaveImage", "inputs": {"filename_prefix": "{{{prefix}}}", "images": ["8", 0]}}
        }
        """)!.AsObject();
}
