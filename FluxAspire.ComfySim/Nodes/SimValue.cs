using FluxAspire.ComfySim.Images;

namespace FluxAspire.ComfySim.Nodes;

/// <summary>
/// What flows along a link in the simulated graph. <see cref="Type"/> is the ComfyUI type name (MODEL, LATENT, …);
/// <see cref="PythonRepr"/> is how ComfyUI would print the object in <c>execution_error.current_inputs</c>.
/// </summary>
public abstract record SimValue(string Type)
{
    public abstract string PythonRepr { get; }
}

public sealed record ModelValue(string Checkpoint) : SimValue("MODEL")
{
    public override string PythonRepr => "<comfy.model_patcher.ModelPatcher object at 0x7f3a2c1d5e50>";
}

public sealed record ClipValue(string Checkpoint) : SimValue("CLIP")
{
    public override string PythonRepr => "<comfy.sd.CLIP object at 0x7f3a2c1d6a10>";
}

public sealed record VaeValue(string Checkpoint) : SimValue("VAE")
{
    public override string PythonRepr => "<comfy.sd.VAE object at 0x7f3a2c1d7b90>";
}

/// <summary>Conditioning carries the prompt text so the final picture can show it.</summary>
public sealed record ConditioningValue(string Text) : SimValue("CONDITIONING")
{
    public override string PythonRepr => "[[tensor([[[...]]], device='cuda:0'), {'pooled_output': tensor([[...]], device='cuda:0')}]]";
}

/// <summary>A latent: its pixel size and batch, plus what sampled it (empty until a sampler ran).</summary>
public sealed record LatentValue(int Width, int Height, int BatchSize, string Prompt = "", ulong Seed = 0, int Steps = 0) : SimValue("LATENT")
{
    public override string PythonRepr => "{'samples': tensor([[[[...]]]])}";
}

public sealed record ImageValue(SimImage Image) : SimValue("IMAGE")
{
    public override string PythonRepr => "tensor([[[[...]]]])";
}

/// <summary>A mask: ComfyUI's [batch, height, width] tensor, here only its size.</summary>
public sealed record MaskValue(int Width, int Height, int BatchSize) : SimValue("MASK")
{
    public override string PythonRepr => "tensor([[[...]]])";
}

/// <summary>An INT, FLOAT, STRING or BOOLEAN output (PrimitiveInt, GetImageSize, StringConcatenate, …): a plain JSON value.</summary>
public sealed record PrimitiveValue(string OfType, System.Text.Json.Nodes.JsonValue Value) : SimValue(OfType)
{
    public override string PythonRepr => Python.PythonValues.Repr(Value);
}

public sealed record NoiseValue(ulong Seed) : SimValue("NOISE")
{
    public override string PythonRepr => "<comfy_extras.nodes_custom_sampler.Noise_RandomNoise object at 0x7f3a2c1d8c10>";
}

public sealed record SigmasValue(int Steps) : SimValue("SIGMAS")
{
    public override string PythonRepr => "tensor([...])";
}

public sealed record GuiderValue(ConditioningValue? Positive, ModelValue? Model) : SimValue("GUIDER")
{
    public override string PythonRepr => "<comfy_extras.nodes_custom_sampler.Guider_Basic object at 0x7f3a2c1d9d90>";
}

/// <summary>Any other type: an opaque object that only needs to travel to the next node.</summary>
public sealed record OpaqueValue(string OfType) : SimValue(OfType)
{
    public override string PythonRepr => $"<{OfType.ToLowerInvariant()} object at 0x7f3a2c1dae10>";
}
