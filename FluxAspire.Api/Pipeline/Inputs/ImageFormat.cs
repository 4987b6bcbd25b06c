namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>Image types accepted as inputs, recognised by their magic bytes (never by a claimed type or name).</summary>
public sealed record ImageFormat(string Name, string Extension, string MediaType)
{
    public static readonly ImageFormat Png = new("PNG", "png", "image/png");
    public static readonly ImageFormat Jpeg = new("JPEG", "jpg", "image/jpeg");
    public static readonly ImageFormat Gif = new("GIF", "gif", "image/gif");
    public static readonly ImageFormat WebP = new("WebP", "webp", "image/webp");
    public static readonly ImageFormat Bmp = new("BMP", "bmp", "image/bmp");

    public const string Accepted = "PNG, JPEG, GIF, WebP or BMP";

    public static ImageFormat? Sniff(ReadOnlySpan<byte> content) => content switch
    {
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => Png,
        [0xFF, 0xD8, 0xFF, ..] => Jpeg,
        [0x47, 0x49, 0x46, 0x38, (byte)'7' or (byte)'9', (byte)'a', ..] => Gif,
        [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => WebP,
        [0x42, 0x4D, ..] when content.Length >= 26 => Bmp,
        _ => null,
    };
}
