using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Polly;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>
/// ComfyUI's HTTP API, one request per method and no retries of its own: the client's standard resilience handler retries
/// a failed GET once, and never a POST (a blind retry of POST /prompt would queue the prompt twice; see
/// <see cref="ComfyServiceCollectionExtensions.ConfigureResilience"/>). Transport failures become
/// <see cref="ComfyUnavailableException"/>; the caller's cancellation stays an <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class ComfyClient(IHttpClientFactory httpClientFactory, string httpClientName)
{
    public const string HttpClientName = "comfyui";

    /// <summary>The client of the first (or only) ComfyUI, ConnectionStrings:comfyui.</summary>
    public ComfyClient(IHttpClientFactory httpClientFactory)
        : this(httpClientFactory, HttpClientName)
    {
    }

    // A client per call lets the factory rotate handlers, so this class can be a singleton.
    internal HttpClient Http => httpClientFactory.CreateClient(httpClientName);

    /// <summary>POST /prompt with our id as ComfyUI's prompt_id. Throws <see cref="ComfyPromptRejectedException"/> on 400.</summary>
    public async Task<JsonObject> QueuePromptAsync(JsonObject prompt, string promptId, string clientId, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["prompt"] = prompt.DeepClone(),
            ["client_id"] = clientId,
            ["prompt_id"] = promptId,
        };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(() => Http.PostAsync("prompt", content, cancellationToken), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            throw new ComfyPromptRejectedException(ParseObject(text, "POST /prompt"));
        }

        EnsureSuccess(response, "POST /prompt");
        return ParseObject(text, "POST /prompt");
    }

    /// <summary>GET /history/{id}: the entry, or null while the prompt is unknown, queued or running.</summary>
    public async Task<ComfyHistoryEntry?> GetHistoryAsync(string promptId, CancellationToken cancellationToken)
    {
        var body = await GetObjectAsync($"history/{Uri.EscapeDataString(promptId)}", cancellationToken);
        return body[promptId] is JsonObject entry ? ComfyHistoryEntry.Parse(entry) : null;
    }

    public async Task<ComfyQueueSnapshot> GetQueueAsync(CancellationToken cancellationToken) =>
        ComfyQueueSnapshot.Parse(await GetObjectAsync("queue", cancellationToken));

    /// <summary>GET /prompt: pending + running prompts. A cheap "is ComfyUI answering" probe.</summary>
    public async Task<long> GetQueueRemainingAsync(CancellationToken cancellationToken) =>
        ComfyValues.AsInt64((await GetObjectAsync("prompt", cancellationToken))["exec_info"]?["queue_remaining"]) ?? 0;

    /// <summary>
    /// GET /view: the file's bytes, streamed to <paramref name="read"/> with the Content-Length when ComfyUI sends one
    /// (outputs are never read from ComfyUI's disk, so it may live elsewhere). The body is read within
    /// <see cref="ComfyOptions.RequestTimeout"/>, as any other call.
    /// </summary>
    public async Task<T> ViewAsync<T>(ComfyFileRef file, Func<Stream, long?, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var query = $"view?filename={Uri.EscapeDataString(file.Filename)}&subfolder={Uri.EscapeDataString(file.Subfolder)}&type={Uri.EscapeDataString(file.Type)}";
        var http = Http;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(http.Timeout);
        using var response = await SendAsync(() => http.GetAsync(query, HttpCompletionOption.ResponseHeadersRead, timeout.Token), cancellationToken);
        EnsureSuccess(response, $"GET /view {file.Filename}");
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            return await read(body, response.Content.Headers.ContentLength, timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            throw new ComfyUnavailableException($"GET /view {file.Filename}: the body broke off ({ex.Message})", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ComfyUnavailableException($"GET /view {file.Filename}: the body did not arrive in time", ex);
        }
    }

    /// <summary>POST /interrupt {prompt_id}: stops that prompt only if it is the one running.</summary>
    public async Task InterruptAsync(string promptId, CancellationToken cancellationToken)
    {
        using var content = new StringContent(new JsonObject { ["prompt_id"] = promptId }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(() => Http.PostAsync("interrupt", content, cancellationToken), cancellationToken);
        EnsureSuccess(response, "POST /interrupt");
    }

    /// <summary>POST /queue {delete:[id]}: removes a prompt that has not started yet.</summary>
    public async Task DeleteQueuedAsync(string promptId, CancellationToken cancellationToken)
    {
        using var content = new StringContent(new JsonObject { ["delete"] = new JsonArray(promptId) }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(() => Http.PostAsync("queue", content, cancellationToken), cancellationToken);
        EnsureSuccess(response, "POST /queue");
    }

    /// <summary>GET /object_info/{class}: that class's schema, or null when ComfyUI does not know it.</summary>
    public async Task<JsonObject?> GetObjectInfoAsync(string className, CancellationToken cancellationToken) =>
        (await GetObjectAsync($"object_info/{Uri.EscapeDataString(className)}", cancellationToken))[className] as JsonObject;

    public Task<JsonObject> GetSystemStatsAsync(CancellationToken cancellationToken) => GetObjectAsync("system_stats", cancellationToken);

    /// <summary>GET /models: the model folder names.</summary>
    public async Task<IReadOnlyList<string>> GetModelFoldersAsync(CancellationToken cancellationToken) =>
        ComfyValues.AsStrings(await GetNodeAsync("models", cancellationToken));

    /// <summary>GET /models/{folder}: file names, or an empty list for a folder ComfyUI does not have (404).</summary>
    public async Task<IReadOnlyList<string>> GetModelsAsync(string folder, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => Http.GetAsync($"models/{Uri.EscapeDataString(folder)}", cancellationToken), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        EnsureSuccess(response, $"GET /models/{folder}");
        return ComfyValues.AsStrings(Parse(await response.Content.ReadAsStringAsync(cancellationToken), $"GET /models/{folder}"));
    }

    private async Task<JsonObject> GetObjectAsync(string path, CancellationToken cancellationToken) =>
        await GetNodeAsync(path, cancellationToken) as JsonObject ?? throw new ComfyProtocolException($"GET /{path}: expected a JSON object");

    private async Task<JsonNode?> GetNodeAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => Http.GetAsync(path, cancellationToken), cancellationToken);
        EnsureSuccess(response, $"GET /{path}");
        return Parse(await response.Content.ReadAsStringAsync(cancellationToken), $"GET /{path}");
    }

    private static async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException ex)
        {
            throw new ComfyUnavailableException($"ComfyUI is not reachable ({ex.HttpRequestError})", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ComfyUnavailableException("ComfyUI did not answer in time", ex);
        }
        catch (ExecutionRejectedException ex)
        {
            // The resilience handler's own limits (its timeouts sit above HttpClient.Timeout, so this is its concurrency limit).
            throw new ComfyUnavailableException($"ComfyUI calls were refused by the resilience handler ({ex.Message})", ex);
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new ComfyProtocolException($"{what} answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
    }

    private static JsonObject ParseObject(string text, string what) =>
        Parse(text, what) as JsonObject ?? throw new ComfyProtocolException($"{what}: expected a JSON object");

    private static JsonNode? Parse(string text, string what)
    {
        try
        {
            return ComfyJson.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new ComfyProtocolException($"{what}: the body is not JSON", ex);
        }
    }
}
