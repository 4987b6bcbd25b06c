using System.Text;
using System.Text.Json.Nodes;

namespace FluxAspire.Tests.Caching;

/// <summary>One answer of the API as the cache tests look at it.</summary>
internal sealed record CacheAnswer(HttpStatusCode Status, string? XCache, JsonObject Body)
{
    public IReadOnlyList<string> Images => Body["images"]!.AsArray().Select(i => (string)i!).ToList();

    public IReadOnlyList<string> Filenames => Body["filenames"]!.AsArray().Select(i => (string)i!).ToList();

    public override string ToString() => $"{(int)Status} X-Cache: {XCache} {Body.ToJsonString()[..Math.Min(400, Body.ToJsonString().Length)]}";
}

internal static class CacheHttp
{
    public static async Task<CacheAnswer> PostAsync(this HttpClient http, string path, JsonNode body, string? cacheControl = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (cacheControl is not null)
        {
            request.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var xCache = response.Headers.TryGetValues("X-Cache", out var values) ? string.Join(",", values) : null;
        return new CacheAnswer(response.StatusCode, xCache, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>How many prompts the simulator has run (GET /history), to prove a hit did not reach ComfyUI.</summary>
    public static async Task<int> HistoryCountAsync(this HttpClient simulator) =>
        JsonNode.Parse(await simulator.GetStringAsync("/history"))!.AsObject().Count;

    /// <summary>Whether the simulator knows a prompt id at all.</summary>
    public static async Task<bool> RanAsync(this HttpClient simulator, string promptId) =>
        JsonNode.Parse(await simulator.GetStringAsync($"/history/{promptId}"))!.AsObject().Count > 0;
}
