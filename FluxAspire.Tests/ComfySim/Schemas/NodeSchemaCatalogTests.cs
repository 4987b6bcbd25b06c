using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Schemas;
using FluxAspire.Tests.ComfySim.Validation;

namespace FluxAspire.Tests.ComfySim.Schemas;

public sealed class NodeSchemaCatalogTests : IDisposable
{
    private readonly TempComfyFolders _temp = new();
    private readonly NodeSchemaCatalog _catalog;

    public NodeSchemaCatalogTests() => _catalog = new NodeSchemaCatalog(_temp.Folders);

    public static TheoryData<string> CapturedClasses =>
        [.. Captures.WithPrefix("http:object_info/").Select(r => ((string)r["kind"]!)["http:object_info/".Length..])];

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Has_the_377_classes_in_captured_order()
    {
        var data = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "FluxAspire.ComfySim", "Data", "object_info.json")))!.AsObject();
        var info = _catalog.ObjectInfo();

        Assert.Equal(377, info.Count);
        Assert.Equal(data.Select(p => p.Key), info.Select(p => p.Key));
        Assert.Equal(data.Select(p => p.Key), NodeSchemaCatalog.ClassNames);
    }

    [Theory]
    [MemberData(nameof(CapturedClasses))]
    public void Class_info_equals_the_capture(string classType)
    {
        var expected = Captures.Body("http:object_info/" + classType);
        var actual = new JsonObject { [classType] = _catalog.ObjectInfo(classType) };

        JsonShape.AssertSameShape(expected, actual);
        // Same folders as the probe had: the default checkpoint, an empty input folder, no other models.
        CapturedValidationTests.AssertJsonEqual(expected, actual);
    }

    [Fact]
    public void Unknown_class_has_no_info_and_no_schema()
    {
        Assert.Null(_catalog.ObjectInfo("NoSuchNode"));
        Assert.Null(_catalog.Find("NoSuchNode"));
        Assert.False(NodeSchemaCatalog.Contains("NoSuchNode"));
    }

    [Fact]
    public void LoadImage_lists_the_input_folder_as_it_is_now()
    {
        foreach (var name in (string[])["probe.png", "bad.png", "probe (1).png", "mask.png", "notes.txt"])
        {
            TempComfyFolders.Touch(_temp.Input(name));
        }

        var expected = Captures.Body("http:object_info_LoadImage_after_upload");
        CapturedValidationTests.AssertJsonEqual(expected, new JsonObject { ["LoadImage"] = _catalog.ObjectInfo("LoadImage") });
        Assert.Equal("""["bad.png","mask.png","probe (1).png","probe.png"]""", _catalog.Find("LoadImage")!.Inputs[0].Type.ToJsonString());
    }

    [Fact]
    public void A_new_checkpoint_appears_without_restart()
    {
        Assert.Equal("""["flux1-dev-fp8.safetensors"]""", CkptNames(_catalog.ObjectInfo()));

        TempComfyFolders.Touch(_temp.Model("checkpoints", "sub/another.safetensors"));
        TempComfyFolders.Touch(_temp.Model("checkpoints", "readme.txt"));

        Assert.Equal("""["flux1-dev-fp8.safetensors","sub/another.safetensors"]""", CkptNames(_catalog.ObjectInfo()));
        Assert.Equal("""["flux1-dev-fp8.safetensors","sub/another.safetensors"]""", _catalog.Find("CheckpointLoaderSimple")!.Inputs[0].Type.ToJsonString());
        Assert.Equal("""["flux1-dev-fp8.safetensors","sub/another.safetensors"]""",
            _catalog.ObjectInfo("ImageOnlyCheckpointLoader")!["input"]!["required"]!["ckpt_name"]![0]!.ToJsonString());

        static string CkptNames(JsonObject all) => all["CheckpointLoaderSimple"]!["input"]!["required"]!["ckpt_name"]![0]!.ToJsonString();
    }

    [Fact]
    public void V3_combos_get_their_live_list_under_options()
    {
        TempComfyFolders.Touch(_temp.Model("text_encoders", "t5xxl_fp8.safetensors"));
        TempComfyFolders.Touch(_temp.Model("text_encoders", "clip_l.safetensors"));

        var spec = _catalog.ObjectInfo("TripleCLIPLoader")!["input"]!["required"]!["clip_name3"]!;
        Assert.Equal("""["COMBO",{"multiselect":false,"options":["clip_l.safetensors","t5xxl_fp8.safetensors"]}]""", spec.ToJsonString());
        var input = _catalog.Find("TripleCLIPLoader")!.Inputs.Single(i => i.Name == "clip_name3");
        Assert.Equal("\"COMBO\"", input.Type.ToJsonString());
        Assert.Equal("""["clip_l.safetensors","t5xxl_fp8.safetensors"]""", input.Options["options"]!.ToJsonString());
        Assert.Equal("""["clip_l.safetensors","t5xxl_fp8.safetensors"]""",
            _catalog.ObjectInfo("DualCLIPLoader")!["input"]!["required"]!["clip_name2"]![0]!.ToJsonString());
    }

    [Fact]
    public void Each_loader_reads_its_own_folder()
    {
        TempComfyFolders.Touch(_temp.Model("clip_vision", "vision.safetensors"));
        TempComfyFolders.Touch(_temp.Model("loras", "style.safetensors"));
        TempComfyFolders.Touch(_temp.Model("model_patches", "patch.safetensors"));
        TempComfyFolders.Touch(Path.Combine(_temp.Folders.ModelsDirectory, "diffusers", "sd15", "model_index.json"));
        TempComfyFolders.Touch(_temp.Input("a.latent"));
        TempComfyFolders.Touch(_temp.Input("song.mp3"));
        TempComfyFolders.Touch(_temp.Input("clip.mp4"));
        TempComfyFolders.Touch(_temp.Input(Path.Combine("3d", "cube.glb")));

        string Choices(string classType, string input) =>
            _catalog.Find(classType)!.Inputs.Single(i => i.Name == input) is var i && i.Type is JsonArray a ? a.ToJsonString() : i.Options["options"]!.ToJsonString();

        Assert.Equal("""["vision.safetensors"]""", Choices("CLIPVisionLoader", "clip_name"));
        Assert.Equal("[]", Choices("CLIPLoader", "clip_name"));
        Assert.Equal("""["style.safetensors"]""", Choices("LoraLoaderModelOnly", "lora_name"));
        Assert.Equal("""["style.safetensors"]""", Choices("CreateHookLora", "lora_name"));
        Assert.Equal("""["patch.safetensors"]""", Choices("ModelPatchLoader", "name"));
        Assert.Equal("""["sd15"]""", Choices("DiffusersLoader", "model_path"));
        Assert.Equal("""["a.latent"]""", Choices("LoadLatent", "latent"));
        Assert.Equal("""["clip.mp4","song.mp3"]""", Choices("LoadAudio", "audio"));
        Assert.Equal("""["clip.mp4"]""", Choices("LoadVideo", "file"));
        Assert.Equal("""["3d/cube.glb"]""", Choices("Load3D", "model_file"));
        Assert.Equal("""["3d"]""", Choices("LoadImageSetFromFolderNode", "folder"));
    }

    [Fact]
    public void VAELoader_adds_complete_TAESD_pairs_and_pixel_space()
    {
        TempComfyFolders.Touch(_temp.Model("vae", "ae.safetensors"));
        TempComfyFolders.Touch(_temp.Model("vae_approx", "taef1_decoder.safetensors"));
        TempComfyFolders.Touch(_temp.Model("vae_approx", "taef1_encoder.safetensors"));
        TempComfyFolders.Touch(_temp.Model("vae_approx", "taesdxl_decoder.pth"));

        Assert.Equal("""["ae.safetensors","taef1","pixel_space"]""", _catalog.Find("VAELoader")!.Inputs[0].Type.ToJsonString());
    }

    [Fact]
    public void Every_folder_backed_combo_in_the_data_is_read_live()
    {
        // In the probe's setup the folder-backed lists were empty or held only the default checkpoint.
        var data = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "FluxAspire.ComfySim", "Data", "object_info.json")))!.AsObject();
        var looksFolderBacked = new List<string>();
        foreach (var (classType, info) in data)
        {
            foreach (var section in (string[])["required", "optional"])
            {
                foreach (var (input, spec) in info!["input"]![section]?.AsObject() ?? [])
                {
                    var choices = spec![0] is JsonArray classic ? classic : spec.AsArray().Count > 1 ? spec[1]!["options"] as JsonArray : null;
                    if (choices is not null && (choices.Count == 0 || choices.Any(c => (string?)c == "flux1-dev-fp8.safetensors")))
                    {
                        looksFolderBacked.Add($"{classType}.{input}");
                    }
                }
            }
        }

        var live = FolderBackedCombos.Keys.ToHashSet();
        var notLive = looksFolderBacked.Where(k => !live.Contains(k)).ToList();
        Assert.True(notLive.Count == 0, "combos read from disk by ComfyUI but fixed here: " + string.Join(", ", notLive));
        // LoadImageOutput's V3 combo is filled by the front end from /internal/files/output; UpscaleModelLoader is not installed.
        Assert.Equal(["UpscaleModelLoader.model_name", "VAELoader.vae_name"], live.Except(looksFolderBacked).Order());
    }

    [Fact]
    public void Find_gives_inputs_in_input_order_without_hidden_ones()
    {
        var ksampler = _catalog.Find("KSampler")!;
        Assert.Equal(["model", "seed", "steps", "cfg", "sampler_name", "scheduler", "positive", "negative", "latent_image", "denoise"], ksampler.Inputs.Select(i => i.Name));
        Assert.Equal(["LATENT"], ksampler.OutputTypes);
        Assert.False(ksampler.IsOutputNode);
        Assert.Equal("\"INT\"", ksampler.Inputs[1].Type.ToJsonString());
        Assert.Equal("18446744073709551615", ksampler.Inputs[1].Options["max"]!.ToJsonString());

        var save = _catalog.Find("SaveImage")!;
        Assert.True(save.IsOutputNode);
        Assert.Equal(["images", "filename_prefix"], save.Inputs.Select(i => i.Name));
        Assert.Empty(_catalog.Find("PreviewImage")!.Inputs[0].Options);

        var dual = _catalog.Find("DualCLIPLoader")!;
        Assert.Equal([("clip_name1", true), ("clip_name2", true), ("type", true), ("device", false)], dual.Inputs.Select(i => (i.Name, i.Required)));
    }

    [Fact]
    public void Find_caches_classes_without_folder_backed_inputs()
    {
        Assert.Same(_catalog.Find("KSampler"), _catalog.Find("KSampler"));
        Assert.Same(_catalog.Find("KSampler"), new NodeSchemaCatalog(_temp.Folders).Find("KSampler"));
        Assert.NotSame(_catalog.Find("CheckpointLoaderSimple"), _catalog.Find("CheckpointLoaderSimple"));
    }

    [Fact]
    public void Object_info_is_a_fresh_copy_each_time()
    {
        var first = _catalog.ObjectInfo();
        first["KSampler"]!["name"] = "changed";
        Assert.Equal("KSampler", (string?)_catalog.ObjectInfo()["KSampler"]!["name"]);
        Assert.Equal("KSampler", (string?)_catalog.ObjectInfo("KSampler")!["name"]);
    }
}
