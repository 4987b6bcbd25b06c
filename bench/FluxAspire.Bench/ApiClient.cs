using System.Buffers.Text;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace FluxAspire.Bench;

/// <summary>The recipe's client: POST /workflow/text2img and check images[0].</summary>
internal static class ApiClient
{
    /// <param name="seed">A fixed seed makes every request after the first a result-cache hit; null draws a new one each time.</param>
    /// <returns>The size of the PNG in bytes.</returns>
    public static async Task<int> GenerateAsync(HttpClient http, int size, int steps, long? seed, CancellationToken cancellationToken)
    {
        var body = WorkflowFile.Text2Img.Request(seed ?? Random.Shared.NextInt64(0, 1L << 50), size, steps);
        using var response = await http.PostAsJsonAsync("/workflow/text2img", body, cancellationToken);
        using var content = await PooledBody.ReadAsync(response.Content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = Encoding.UTF8.GetString(content.Span[..Math.Min(300, content.Length)]);
            throw new InvalidOperationException($"POST /workflow/text2img {(int)response.StatusCode}: {text}");
        }

        using var png = FirstImage(content.Span);
        return Png.Check(png.Span, size);
    }

    /// <summary>images[0], decoded into a pooled buffer.</summary>
    private static PooledBody FirstImage(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.CurrentDepth != 1 || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("images"u8))
            {
                continue;
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                break;
            }

            // Unescaped into the buffer (should the JSON escape anything), then decoded there: no 2.3-million-character string.
            var png = PooledBody.Rent(reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length);
            var length = reader.CopyString(png.Span);
            if (Base64.DecodeFromUtf8InPlace(png.Span[..length], out var written) != System.Buffers.OperationStatus.Done)
            {
                png.Dispose();
                throw new InvalidDataException("images[0] is not base64");
            }

            png.Truncate(written);
            return png;
        }

        throw new InvalidDataException("the response has no images[0]");
    }
}
