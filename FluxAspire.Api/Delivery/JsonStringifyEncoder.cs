using System.Buffers;
using System.Text.Encodings.Web;

namespace FluxAspire.Api.Delivery;

/// <summary>
/// Escapes exactly what JavaScript's <c>JSON.stringify</c> escapes: <c>"</c>, <c>\</c>, control characters below
/// U+0020 (as \b \t \n \f \r or a lowercase \u00xx); everything else (<c>+</c> in base64, <c>&lt;</c>,
/// non-ASCII text, emoji, U+2028) is written as it is. Clients of the recipe's server re-serialize our webhook bodies
/// with JSON.stringify to check their signatures, so the bytes must match; base64 is not inflated by <c>\u002B</c>.
/// (Lone surrogates, which JSON.stringify writes as \udxxx, never get here: request text with one is a 400, and the
/// writer refuses invalid UTF-16 before it asks the encoder.)
/// </summary>
public sealed class JsonStringifyEncoder : JavaScriptEncoder
{
    public static readonly JsonStringifyEncoder Instance = new();

    private static readonly SearchValues<char> Escaped = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f");

    private static readonly SearchValues<byte> EscapedUtf8 = SearchValues.Create(
        "\"\\\0\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"u8);

    private JsonStringifyEncoder()
    {
    }

    public override int MaxOutputCharactersPerInputCharacter => 6; // \u00xx

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\';

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
        new ReadOnlySpan<char>(text, textLength).IndexOfAny(Escaped);

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        // Non-ASCII bytes pass: the writer only hands over valid UTF-8, and JSON.stringify writes such text as it is.
        return utf8Text.IndexOfAny(EscapedUtf8);
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        ReadOnlySpan<char> escape = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\t' => "\\t",
            '\n' => "\\n",
            '\f' => "\\f",
            '\r' => "\\r",
            < 0x20 => $"\\u{unicodeScalar:x4}",
            _ => char.ConvertFromUtf32(unicodeScalar),
        };
        if (escape.Length > bufferLength)
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        escape.CopyTo(new Span<char>(buffer, bufferLength));
        numberOfCharactersWritten = escape.Length;
        return true;
    }
}
