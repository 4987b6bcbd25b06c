namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>An image input was refused: errors keyed by "prompt.&lt;node&gt;.inputs.&lt;input&gt;". Answered with 400.</summary>
public sealed class ImageInputException(IReadOnlyDictionary<string, string[]> errors)
    : Exception(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
