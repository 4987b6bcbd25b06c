using System.Net.Http.Json;
using System.Text.Json;

namespace FluxAspire.Bench;

/// <summary>The recipe's client: POST /workflow/text2img and decode images[0].</summary>
internal static class ApiClient
{
    /// <param name="seed">A fixed seed makes every request after the first a result-cache hit; null draws a new one each time.</param>
    public static async Task<byte[]> GenerateAsync(HttpClient http, int size, int steps, long? seed, CancellationToken cancellationToken)
    {
        var body = new
        {
            input = new { prompt = FluxGraph.Prompt, width = size, height = size, steps, seed = seed ?? Random.Shared.NextInt64(0, 1L << 50) },
        };
        using var response = await http.PostAsJsonAsync("/workflow/text2img", body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /workflow/text2img {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
        }

        using var json = JsonDocument.Parse(text);
        return Convert.FromBase64String(json.RootElement.GetProperty("images")[0].GetString()!);
    }
}
