namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>A "progress" message ({value, max, prompt_id, node}): sampler step <see cref="Value"/> of <see cref="Max"/> in <see cref="Node"/>.</summary>
public sealed record ComfyProgress(int Value, int Max, string? Node)
{
    /// <summary>The progress a message reports; null for any other message, or one without whole numbers.</summary>
    public static ComfyProgress? From(ComfyMessage message) =>
        message.Type == "progress" && ComfyValues.AsInt64(message.Data["value"]) is { } value && ComfyValues.AsInt64(message.Data["max"]) is { } max
            && value is >= 0 and <= int.MaxValue && max is >= 0 and <= int.MaxValue
            ? new ComfyProgress((int)value, (int)max, message.Node)
            : null;
}
