using FluxAspire.ComfySim.Files;

namespace FluxAspire.ComfySim.Schemas;

/// <summary>
/// The combo inputs whose choices ComfyUI reads from disk each time INPUT_TYPES runs (model folders, the input folder).
/// Every other combo list is fixed and comes from the captured object_info.
/// </summary>
internal static class FolderBackedCombos
{
    private static readonly string[] CheckpointLoaders =
        ["CheckpointLoaderSimple", "CheckpointLoader", "unCLIPCheckpointLoader", "ImageOnlyCheckpointLoader", "CreateHookModelAsLora", "CreateHookModelAsLoraModelOnly"];

    private static readonly string[] LoraLoaders = ["LoraLoader", "LoraLoaderModelOnly", "CreateHookLora", "CreateHookLoraModelOnly"];

    private static readonly Dictionary<string, Func<ComfyFolders, IReadOnlyList<string>>> Listers = Build();

    /// <summary>The lister for an input, or null when its choices are fixed.</summary>
    public static Func<ComfyFolders, IReadOnlyList<string>>? For(string classType, string inputName) =>
        Listers.GetValueOrDefault(classType + "." + inputName);

    /// <summary>"Class.input" of every folder-backed combo (for tests).</summary>
    public static IEnumerable<string> Keys => Listers.Keys;

    private static Dictionary<string, Func<ComfyFolders, IReadOnlyList<string>>> Build()
    {
        var map = new Dictionary<string, Func<ComfyFolders, IReadOnlyList<string>>>(StringComparer.Ordinal);

        void Models(string key, string folder) => map[key] = f => f.ListModels(folder) ?? [];

        foreach (var c in CheckpointLoaders) Models(c + ".ckpt_name", "checkpoints");
        foreach (var c in LoraLoaders) Models(c + ".lora_name", "loras");
        Models("UNETLoader.unet_name", "diffusion_models");
        Models("CLIPLoader.clip_name", "text_encoders");
        Models("DualCLIPLoader.clip_name1", "text_encoders");
        Models("DualCLIPLoader.clip_name2", "text_encoders");
        for (var i = 1; i <= 3; i++) Models($"TripleCLIPLoader.clip_name{i}", "text_encoders");
        for (var i = 1; i <= 4; i++) Models($"QuadrupleCLIPLoader.clip_name{i}", "text_encoders");
        Models("CLIPVisionLoader.clip_name", "clip_vision");
        Models("ControlNetLoader.control_net_name", "controlnet");
        Models("DiffControlNetLoader.control_net_name", "controlnet");
        Models("StyleModelLoader.style_model_name", "style_models");
        Models("GLIGENLoader.gligen_name", "gligen");
        Models("HypernetworkLoader.hypernetwork_name", "hypernetworks");
        Models("PhotoMakerLoader.photomaker_model_name", "photomaker");
        Models("AudioEncoderLoader.audio_encoder_name", "audio_encoders");
        Models("ModelPatchLoader.name", "model_patches");
        Models("UpscaleModelLoader.model_name", "upscale_models");
        map["VAELoader.vae_name"] = VaeList;
        map["DiffusersLoader.model_path"] = InputFolderLists.DiffusersModels;

        map["LoadImage.image"] = f => f.ListInputImages();
        map["LoadImageMask.image"] = f => f.ListInputImages();
        map["LoadLatent.latent"] = InputFolderLists.Latents;
        map["LoadAudio.audio"] = InputFolderLists.AudioAndVideo;
        map["LoadVideo.file"] = InputFolderLists.Videos;
        map["Load3D.model_file"] = InputFolderLists.Models3D;
        map["Load3DAnimation.model_file"] = InputFolderLists.Models3D;
        map["LoadImageSetFromFolderNode.folder"] = InputFolderLists.Subfolders;
        map["LoadImageTextSetFromFolderNode.folder"] = InputFolderLists.Subfolders;
        return map;
    }

    /// <summary>VAELoader.vae_list: the vae folder, then the TAESD pseudo-VAEs whose encoder and decoder are both in vae_approx, then pixel_space.</summary>
    private static IReadOnlyList<string> VaeList(ComfyFolders folders)
    {
        var vaes = new List<string>(folders.ListModels("vae") ?? []);
        var approx = folders.ListModels("vae_approx") ?? [];
        bool Has(string prefix) => approx.Any(v => v.StartsWith(prefix, StringComparison.Ordinal));
        foreach (var name in (string[])["taesd", "taesdxl", "taesd3", "taef1"])
        {
            if (Has(name + "_decoder.") && Has(name + "_encoder."))
            {
                vaes.Add(name);
            }
        }

        vaes.Add("pixel_space");
        return vaes;
    }
}
