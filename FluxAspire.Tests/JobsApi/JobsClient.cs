using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace FluxAspire.Tests.JobsApi;

/// <summary>An answer of the Jobs API: status, JSON body and the headers a test looks at.</summary>
public sealed record JobsAnswer(HttpStatusCode Status, JsonObject Body, HttpResponseHeaders Headers, string? ContentType);

/// <summary>Calls the Jobs API of a real API process, as any HTTP client would.</summary>
public sealed class JobsClient(HttpClient http)
{
    public HttpClient Http => http;

    public async Task<JobsAnswer> SubmitAsync(string json, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/jobs") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return await SendAsync(request);
    }

    public Task<JobsAnswer> SubmitAsync(JsonObject body, string? idempotencyKey = null) => SubmitAsync(body.ToJsonString(), idempotencyKey);

    public async Task<JobsAnswer> GetAsync(string id) => await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/jobs/{id}"));

    public async Task<JobsAnswer> CancelAsync(string id) => await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/jobs/{id}/cancel"));

    /// <summary>Polls GET /jobs/{id} until <paramref name="until"/> holds; fails after <paramref name="timeout"/>.</summary>
    public async Task<JsonObject> WaitAsync(string id, Func<JsonObject, bool> until, TimeSpan? timeout = null)
    {
        JsonObject last = [];
        if (await Eventually.TryUntilAsync(async () => until(last = (await GetAsync(id)).Body), timeout ?? TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(25)))
        {
            return last;
        }

        throw new TimeoutException($"job {id} did not reach the expected state; last: {last.ToJsonString()}");
    }

    public Task<JsonObject> WaitForStatusAsync(string id, string status, TimeSpan? timeout = null) =>
        WaitAsync(id, job => (string?)job["status"] == status, timeout);

    /// <summary>Opens GET /jobs/{id}/events (headers read, body streaming).</summary>
    public async Task<HttpResponseMessage> OpenEventsAsync(string id, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/jobs/{id}/events");
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private async Task<JobsAnswer> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return new JobsAnswer(response.StatusCode, JsonNode.Parse(text) as JsonObject ?? throw new Xunit.Sdk.XunitException($"not a JSON object: {text}"),
                response.Headers, response.Content.Headers.ContentType?.MediaType);
        }
    }
}
