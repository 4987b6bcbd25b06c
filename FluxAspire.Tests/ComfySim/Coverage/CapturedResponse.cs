using System.Text.Json.Nodes;

namespace FluxAspire.Tests.ComfySim.Coverage;

/// <summary>Asserts that a live simulator response looks like one captured ComfyUI response.</summary>
internal static class CapturedResponse
{
    /// <summary>
    /// Same status and content type; the body has the captured JSON shape (or is empty where the capture has none).
    /// Returns the body text so callers can assert exact values too. <paramref name="keyedByPromptId"/>: the body is
    /// <c>{prompt_id: entry}</c> (history), so the single entries are compared, not the ids used as keys.
    /// </summary>
    public static async Task<string> AssertLikeAsync(string kind, HttpResponseMessage response, JsonShape.Options? options = null, bool keyedByPromptId = false)
    {
        var capture = Captures.Get(kind);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)capture["status"]! == (int)response.StatusCode, $"{kind}: status {(int)response.StatusCode}, captured {capture["status"]}: {text}");
        Assert.Equal((string?)capture["content_type"], response.Content.Headers.ContentType?.ToString());
        if (capture["body"] is { } expected && keyedByPromptId)
        {
            var actual = JsonNode.Parse(text)!.AsObject();
            Assert.Single(actual);
            JsonShape.AssertSameShape(expected.AsObject().Single().Value, actual.Single().Value, options);
        }
        else if (capture["body"] is { } body)
        {
            JsonShape.AssertSameShape(body, JsonNode.Parse(text), options);
        }
        else if ((int)capture["len"]! == 0)
        {
            Assert.Equal(string.Empty, text);
        }

        return text;
    }

    /// <summary>The captured request of <paramref name="kind"/> sent to its captured method and path, with our socket's client_id.</summary>
    public static async Task<string> ReplayAsync(HttpClient http, string kind, string? clientId = null, JsonShape.Options? options = null)
    {
        var capture = Captures.Get(kind);
        HttpContent? content = null;
        if (capture["request"] is JsonObject)
        {
            var request = Captures.Request(kind);
            if (clientId is not null && request.ContainsKey("client_id")) request["client_id"] = clientId;
            content = new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        using var message = new HttpRequestMessage(new HttpMethod((string)capture["method"]!), (string)capture["path"]!) { Content = content };
        using var response = await http.SendAsync(message);
        return await AssertLikeAsync(kind, response, options);
    }
}
