namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>An image input was refused: errors keyed by "prompt.&lt;node&gt;.inputs.&lt;input&gt;". Answered with 400.</summary>
public sealed class ImageInputException(IReadOnlyDictionary<string, string[]> errors)
    : Exception(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>The same refusal with each graph path replaced by the request field it came from, where known.</summary>
    public ImageInputException NamedAs(IReadOnlyDictionary<string, string> fields) =>
        new(Errors.ToDictionary(e => fields.GetValueOrDefault(e.Key, e.Key), e => e.Value, StringComparer.Ordinal));
}
