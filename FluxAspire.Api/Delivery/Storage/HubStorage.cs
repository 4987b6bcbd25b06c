using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Delivery.SystemWebhooks;
using FluxAspire.Api.Operations.Resilience;
using FluxAspire.Api.Pipeline.Jobs;
using Polly.Registry;

namespace FluxAspire.Api.Delivery.Storage;

/// <summary>
/// hf_upload through the Hugging Face Hub's HTTP API, as huggingface_hub's create_commit speaks it (one commit for all of
/// a job's outputs):
/// <list type="number">
/// <item>POST {hub}/api/{models|datasets}/{repo}/preupload/{revision} {files:[{path, size, sample}]}: the Hub answers each
/// file's uploadMode, "regular" or "lfs";</item>
/// <item>for "lfs" files, the Git LFS batch API, POST {hub}/{[datasets/]repo}.git/info/lfs/objects/batch
/// {operation:"upload", transfers:["basic"], objects:[{oid: sha256, size}], hash_algo:"sha256"}, then a PUT of the bytes
/// to each object's actions.upload.href (with its headers) and a POST to actions.verify when given;</item>
/// <item>POST {hub}/api/{models|datasets}/{repo}/commit/{revision}, application/x-ndjson: a header line {key:"header",
/// value:{summary, description}}, then {key:"file", value:{path, content (base64), encoding:"base64"}} per regular file
/// and {key:"lfsFile", value:{path, algo:"sha256", oid, size}} per LFS file.</item>
/// </list>
/// Every call carries Authorization: Bearer (HF_TOKEN, or the request's bearer credential matching the repo's URL) and
/// goes through the <see cref="ResiliencePipelines.Storage"/> pipeline. The URLs returned are
/// {hub}/[datasets/]{repo}/resolve/{revision}/{path}.
/// </summary>
public sealed partial class HubStorage(IHttpClientFactory httpClientFactory, StorageProviders providers, ResiliencePipelineProvider<string> pipelines,
    SystemWebhookNotifier systemWebhooks, TimeProvider time, ILogger<HubStorage> logger)
{
    public const string ClientName = "huggingface";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<string>> CommitAsync(JobRequest job, IReadOnlyList<JobOutputFile> files, HfUploadRequest upload, CancellationToken cancellationToken)
    {
        var hub = providers.HuggingFace ?? throw new InvalidOperationException("the Hugging Face Hub is not configured (HF_TOKEN)");
        var target = $"repo '{upload.Repo}'";
        var repoUrl = new Uri($"{hub.Endpoint.AbsoluteUri.TrimEnd('/')}/{upload.UrlPath}");
        var token = job.UploadCredentials.For(repoUrl) is UrlAuth.Bearer bearer ? bearer.Token : hub.Token;
        var api = $"{hub.Endpoint.AbsoluteUri.TrimEnd('/')}/api/{upload.RepoType}s/{upload.Repo}";
        var revision = Uri.EscapeDataString(upload.Revision);
        var http = httpClientFactory.CreateClient(ClientName);
        try
        {
            var paths = files.Select(f => upload.PathInRepo(f.Filename)).ToList();
            var modes = await PreuploadAsync(http, token, $"{api}/preupload/{revision}", files, paths, cancellationToken);
            var lines = new List<string>
            {
                Line("header", new JsonObject { ["summary"] = $"Upload {files.Count} file(s) from job {job.Id}", ["description"] = "" }),
            };
            for (var i = 0; i < files.Count; i++)
            {
                var file = files[i];
                if (modes.GetValueOrDefault(paths[i]) == "lfs")
                {
                    var oid = await Sha256Async(file, cancellationToken);
                    await UploadLfsAsync(http, token, $"{repoUrl.AbsoluteUri}.git/info/lfs/objects/batch", file, oid, upload.Revision, cancellationToken);
                    lines.Add(Line("lfsFile", new JsonObject { ["path"] = paths[i], ["algo"] = "sha256", ["oid"] = oid, ["size"] = file.Content.Length }));
                }
                else
                {
                    lines.Add(Line("file", new JsonObject { ["content"] = Base64(file), ["path"] = paths[i], ["encoding"] = "base64" }));
                }
            }

            await SendAsync(http, token, () => new HttpRequestMessage(HttpMethod.Post, $"{api}/commit/{revision}")
            {
                Content = new StringContent(string.Join('\n', lines) + "\n", Encoding.UTF8, "application/x-ndjson"),
            }, cancellationToken);

            return paths.Select((path, i) =>
            {
                var url = $"{repoUrl.AbsoluteUri}/resolve/{revision}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}";
                systemWebhooks.OnStorageEvent(SystemWebhookEvents.FileUploaded, job.Id, new Uri(url), size: files[i].Content.Length);
                return url;
            }).ToList();
        }
        catch (Exception e) when (e is not StorageUploadException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new StorageUploadException(upload.Field, target, StorageErrors.Code(e), inner: e);
        }
    }

    private async Task<Dictionary<string, string>> PreuploadAsync(HttpClient http, string token, string url, IReadOnlyList<JobOutputFile> files,
        IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["files"] = new JsonArray([.. files.Select((f, i) => (JsonNode)new JsonObject
            {
                ["path"] = paths[i],
                ["size"] = f.Content.Length,
                ["sample"] = Sample(f),
            })]),
        };
        var answer = await SendAsync(http, token, () => new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body.ToJsonString(Json), Encoding.UTF8, "application/json"),
        }, cancellationToken);
        var modes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in answer?["files"] as JsonArray ?? [])
        {
            if (file?["path"] is JsonValue path && file["uploadMode"] is JsonValue mode) modes[path.GetValue<string>()] = mode.GetValue<string>();
        }

        return modes;
    }

    private async Task UploadLfsAsync(HttpClient http, string token, string batchUrl, JobOutputFile file, string oid, string revision, CancellationToken cancellationToken)
    {
        var batch = new JsonObject
        {
            ["operation"] = "upload",
            ["transfers"] = new JsonArray("basic"),
            ["objects"] = new JsonArray(new JsonObject { ["oid"] = oid, ["size"] = file.Content.Length }),
            ["hash_algo"] = "sha256",
            ["ref"] = new JsonObject { ["name"] = revision },
        };
        var answer = await SendAsync(http, token, () =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, batchUrl)
            {
                Content = new StringContent(batch.ToJsonString(Json), Encoding.UTF8),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.git-lfs+json");
            request.Headers.Accept.ParseAdd("application/vnd.git-lfs+json");
            return request;
        }, cancellationToken);
        var actions = answer?["objects"]?[0]?["actions"];
        if (actions?["upload"] is JsonObject put && put["href"] is JsonValue href)
        {
            // The object store the Hub hands out, with its own signed headers: no Hub token on it.
            await SendAsync(http, null, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Put, href.GetValue<string>()) { Content = new StreamContent(file.Content.OpenRead()) };
                AddHeaders(request, put["header"] as JsonObject);
                return request;
            }, cancellationToken);
        }

        if (actions?["verify"] is JsonObject verify && verify["href"] is JsonValue verifyHref)
        {
            await SendAsync(http, token, () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, verifyHref.GetValue<string>())
                {
                    Content = new StringContent(new JsonObject { ["oid"] = oid, ["size"] = file.Content.Length }.ToJsonString(Json), Encoding.UTF8),
                };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.git-lfs+json");
                AddHeaders(request, verify["header"] as JsonObject);
                return request;
            }, cancellationToken);
        }
    }

    /// <summary>One Hub call through the storage pipeline; a non-success answer is a <see cref="HubException"/> naming the
    /// Hub's X-Error-Code (or its JSON error), retried when it is 429 or 5xx.</summary>
    private async Task<JsonNode?> SendAsync(HttpClient http, string? token, Func<HttpRequestMessage> create, CancellationToken cancellationToken) =>
        await pipelines.GetPipeline(ResiliencePipelines.Storage).ExecuteAsync(time, async attemptToken =>
        {
            using var request = create();
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, attemptToken);
            var text = await response.Content.ReadAsStringAsync(attemptToken);
            if (!response.IsSuccessStatusCode) throw new HubException(response.StatusCode, Describe(response, text));
            try
            {
                return text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                return null;
            }
        }, (outcome, attempt, delay) => LogRetry(StorageErrors.Code(outcome.Exception!), attempt + 1, delay), cancellationToken);

    [LoggerMessage(LogLevel.Information, "hf_upload call to the Hub failed (attempt {Attempt}: {Code}); retrying in {Delay}")]
    private partial void LogRetry(string code, int attempt, TimeSpan delay);

    private static string Describe(HttpResponseMessage response, string body)
    {
        var code = response.Headers.TryGetValues("X-Error-Code", out var codes) ? codes.FirstOrDefault() : null;
        if (code is null)
        {
            try
            {
                code = JsonNode.Parse(body)?["error"] is JsonValue error && error.GetValueKind() == JsonValueKind.String ? error.GetValue<string>() : null;
            }
            catch (JsonException)
            {
            }
        }

        // The Hub's messages never hold the token, but cap them: they are said to the client.
        code = code is { Length: > 200 } ? code[..200] : code;
        return code is null ? $"HTTP {(int)response.StatusCode}" : $"{code}, HTTP {(int)response.StatusCode}";
    }

    private static void AddHeaders(HttpRequestMessage request, JsonObject? headers)
    {
        foreach (var (name, value) in headers ?? [])
        {
            if (value is JsonValue v && !request.Headers.TryAddWithoutValidation(name, v.ToString())) request.Content?.Headers.TryAddWithoutValidation(name, v.ToString());
        }
    }

    private static string Line(string key, JsonObject value) => new JsonObject { ["key"] = key, ["value"] = value }.ToJsonString(Json);

    private static string Sample(JobOutputFile file)
    {
        var sample = new byte[Math.Min(512, file.Content.Length)];
        using var stream = file.Content.OpenRead();
        stream.ReadExactly(sample);
        return Convert.ToBase64String(sample);
    }

    private static string Base64(JobOutputFile file)
    {
        using var owner = file.Content.Contiguous();
        return Convert.ToBase64String(owner.Memory.Span);
    }

    private static async Task<string> Sha256Async(JobOutputFile file, CancellationToken cancellationToken)
    {
        await using var stream = file.Content.OpenRead();
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
