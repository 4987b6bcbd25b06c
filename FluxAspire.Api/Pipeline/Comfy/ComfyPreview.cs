using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>A sampler preview of a prompt: the latent at step <see cref="Step"/> of <see cref="Max"/> as a small image.</summary>
public sealed record ComfyPreview(int Step, int Max, string? Node, string ContentType, byte[] Image)
{
    /// <summary>
    /// The preview a binary-frame message carries, numbered with the step ComfyUI reported last for its node: a negotiated
    /// preview comes between that step's progress_state and its progress, an old-style one after its progress (§7.5).
    /// </summary>
    public static ComfyPreview? From(ComfyMessage message, ComfyProgress? lastProgress, ComfyMessage? lastProgressState)
    {
        if (message.Type != ComfyPreviewFrame.MessageType || message.Image is not { Length: > 0 } image)
        {
            return null;
        }

        var node = message.Node ?? lastProgress?.Node;
        var step = lastProgress is { } p && (node is null || p.Node == node) ? (p.Value, p.Max) : (0, 0);
        if (node is not null && lastProgressState?.Data["nodes"]?[node] is JsonObject state
            && ComfyValues.AsInt64(state["value"]) is { } value && ComfyValues.AsInt64(state["max"]) is { } max
            && value is >= 0 and <= int.MaxValue && max is >= 0 and <= int.MaxValue)
        {
            step = ((int)value, (int)max);
        }

        return new ComfyPreview(step.Item1, step.Item2, node, ComfyValues.AsString(message.Data["image_type"]) ?? "image/jpeg", image);
    }
}
