namespace FluxAspire.Tests.Api.Workflows;

/// <summary>A simulator and an API whose Workflows__Directory is a temporary folder holding one custom definition in
/// a sub-folder, flux/portrait: a cut-down FLUX graph with a square "size" that feeds both width and height.</summary>
public sealed class CustomWorkflowFolder : IAsyncLifetime
{
    public const string PortraitGraph = """
        {
          "6": {"inputs": {"text": "", "clip": ["30", 1]}, "class_type": "CLIPTextEncode"},
          "8": {"inputs": {"samples": ["31", 0], "vae": ["30", 2]}, "class_type": "VAEDecode"},
          "9": {"inputs": {"filename_prefix": "portrait", "images": ["8", 0]}, "class_type": "SaveImage"},
          "27": {"inputs": {"width": 512, "height": 512, "batch_size": 1}, "class_type": "EmptySD3LatentImage"},
          "30": {"inputs": {"ckpt_name": "flux1-dev-fp8.safetensors"}, "class_type": "CheckpointLoaderSimple"},
          "31": {"inputs": {"seed": 1, "steps": 4, "cfg": 1, "sampler_name": "euler", "scheduler": "simple", "denoise": 1,
                            "model": ["30", 0], "positive": ["6", 0], "negative": ["33", 0], "latent_image": ["27", 0]}, "class_type": "KSampler"},
          "33": {"inputs": {"text": "", "clip": ["30", 1]}, "class_type": "CLIPTextEncode"}
        }
        """;

    public const string PortraitParameters = """
        {
          "summary": "Square portrait",
          "description": "A square FLUX portrait.",
          "parameters": {
            "prompt": {"to": "6.inputs.text", "type": "string", "required": true, "description": "Who to paint."},
            "size": {"to": ["27.inputs.width", {"node": "27", "input": "height"}], "type": "integer", "min": 256, "max": 1024, "default": 256, "description": "Side in pixels."},
            "steps": {"to": "31.inputs.steps", "type": "integer", "min": 1, "max": 8, "default": 2},
            "seed": {"to": "31.inputs.seed", "type": "integer", "min": 0, "default": "random"},
            "sampler_name": {"to": "31.inputs.sampler_name", "type": "string", "enum": "comfy:KSampler.sampler_name", "default": "euler"},
            "negative": {"to": "33.inputs.text", "type": "string", "default": ""},
            "mood": {"to": "31.inputs.scheduler", "type": "string", "enum": ["simple", "karras"], "default": "simple"}
          },
          "example": {"prompt": "an old sailor", "size": 512}
        }
        """;

    public string Folder { get; } = Directory.CreateTempSubdirectory("flux-workflows-").FullName;

    public SimulatorProcess Simulator { get; private set; } = null!;

    public ApiProcess Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Folder, "flux"));
        await File.WriteAllTextAsync(Path.Combine(Folder, "flux", "portrait.json"), PortraitGraph);
        await File.WriteAllTextAsync(Path.Combine(Folder, "flux", "portrait.params.json"), PortraitParameters);
        Simulator = await SimulatorProcess.StartAsync("--step-ms", "5");
        Api = await ApiProcess.StartAsync(Simulator.BaseAddress, new Dictionary<string, string> { ["Workflows__Directory"] = Folder });
    }

    public async Task DisposeAsync()
    {
        if (Api is not null) await Api.DisposeAsync();
        if (Simulator is not null) await Simulator.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
