namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>What a client put in an image input: a file name ComfyUI already has, inline image bytes, a URL to
/// fetch, or something refused (with the reason).</summary>
public abstract record ImageInputValue
{
    private ImageInputValue() { }

    public sealed record FileName(string Name) : ImageInputValue;

    public sealed record Inline(byte[] Content, ImageFormat Format) : ImageInputValue;

    public sealed record Url(Uri Address) : ImageInputValue;

    public sealed record Refused(string Reason) : ImageInputValue;
}
