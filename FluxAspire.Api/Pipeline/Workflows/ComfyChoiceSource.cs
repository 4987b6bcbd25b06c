
namespace FluxAspire.Api.Pipeline.Workflows;

/// <summary>A combo input of a ComfyUI node class, e.g. KSampler.sampler_name, written "comfy:KSampler.sampler_name"
/// in a definition; its options are read from /object_info.</summary>
public sealed record ComfyChoiceSource(string ClassType, string Input)
{
    public const string Prefix = "comfy:";

    public static ComfyChoiceSource? TryParse(string text)
    {
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = text[Prefix.Length..];
        var dot = rest.LastIndexOf('.');
        return dot > 0 && dot < rest.Length - 1 ? new ComfyChoiceSource(rest[..dot], rest[(dot + 1)..]) : null;
    }

    public override string ToString() => $"{ClassType}.{Input}";
}
