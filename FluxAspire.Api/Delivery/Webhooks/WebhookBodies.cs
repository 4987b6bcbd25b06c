using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Outputs;
using FluxAspire.Api.Pipeline.Problems;
using FluxAspire.Api.Pipeline.Prompts;

namespace FluxAspire.Api.Delivery.Webhooks;

/// <summary>The JSON bodies of the 202 answer and of the webhooks (salad contract §1.4, §1.5).</summary>
public static class WebhookBodies
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JsonStringifyEncoder.Instance,
    };

    /// <summary>The request body as the client sent it (typed fields only), never with credentials.</summary>
    public static JsonObject Echo<TRequest>(TRequest request)
    {
        var echo = JsonSerializer.SerializeToNode(request, Json) as JsonObject ?? [];
        echo.Remove("credentials");
        return echo;
    }

    /// <summary>202: {...request body, id, prompt (pre-processed), status:"ok"}.</summary>
    public static JsonObject Accepted(JsonObject echo, string id, JsonObject graph)
    {
        var body = (JsonObject)echo.DeepClone();
        body["id"] = id;
        body["prompt"] = graph.DeepClone();
        body["status"] = "ok";
        return body;
    }

    /// <summary>webhook_v2 success: {type:"prompt.complete", timestamp, ...the 200 body}; images are URLs after an upload.
    /// Written from the outputs each time it is sent (<see cref="WebhookBody"/>), never held as text.</summary>
    public static WebhookBody Complete(JsonObject echo, JobResult result, IReadOnlyList<string>? uploadedUrls, DateTimeOffset now) =>
        WebhookBody.Json(JsonBodyField.Merge(Fields(Header("type", "prompt.complete", now)), Fields(echo),
            new PromptResponseBody(result, uploadedUrls).Fields()), Json);

    /// <summary>webhook_v2 failure: {type:"prompt.failed", timestamp, ...request body, id, prompt, error, and ComfyUI's
    /// own error where there is one (node_id, node_type, exception_type, exception_message)}.</summary>
    public static string Failed(JsonObject echo, JobRequest job, JobFailure failure, DateTimeOffset now)
    {
        var body = Header("type", "prompt.failed", now);
        Merge(body, echo);
        AddFailure(body, job, failure);
        return body.ToJsonString(Json);
    }

    /// <summary>webhook_v2 when the job succeeded but its http_upload did not.</summary>
    public static string UploadFailed(JsonObject echo, JobRequest job, string error, DateTimeOffset now)
    {
        var body = Header("type", "prompt.failed", now);
        Merge(body, echo);
        body["id"] = job.Id;
        body["prompt"] = job.Graph.DeepClone();
        body["error"] = error;
        return body.ToJsonString(Json);
    }

    /// <summary>Legacy webhook, one per file: {"event":"output.complete","image","id","filename","prompt","stats"};
    /// as in the recipe its stats lack upload_time and total_time. Written from the file's bytes each time it is sent.</summary>
    public static WebhookBody LegacyOutput(JobResult result, JobOutputFile file)
    {
        var stats = (JsonObject)JsonSerializer.SerializeToNode(PromptStats.From(result.Stats), Json)!;
        stats.Remove("upload_time");
        stats.Remove("total_time");
        return WebhookBody.Json(
        [
            JsonBodyField.Value("event", "output.complete"),
            new JsonBodyField("image", (writer, token) => writer.WriteBase64Async(file.Content, token)),
            JsonBodyField.Value("id", result.Id),
            JsonBodyField.Value("filename", file.Filename),
            JsonBodyField.Value("prompt", result.Graph),
            JsonBodyField.Value("stats", stats),
        ], Json);
    }

    /// <summary>Legacy webhook failure: {"event":"prompt.failed","id","prompt","error", ComfyUI's error fields}.</summary>
    public static string LegacyFailed(JobRequest job, JobFailure failure)
    {
        var body = new JsonObject { ["event"] = "prompt.failed" };
        AddFailure(body, job, failure);
        return body.ToJsonString(Json);
    }

    private static JsonObject Header(string key, string type, DateTimeOffset now) => new()
    {
        [key] = type,
        ["timestamp"] = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
    };

    private static void AddFailure(JsonObject body, JobRequest job, JobFailure failure)
    {
        body["id"] = job.Id;
        body["prompt"] = job.Graph.DeepClone();
        body["error"] = failure.Message;
        // The same fields the synchronous 4xx/5xx problem carries (the recipe only says "Failed to get prompt outputs").
        var problem = ApiProblems.FromFailure(job.Id, failure, includeTraceback: false).ProblemDetails;
        body["title"] = problem.Title;
        foreach (var (key, value) in problem.Extensions)
        {
            if (key is "id" or "traceId" || value is null) continue;
            body[key] = value as JsonNode ?? JsonSerializer.SerializeToNode(value, Json);
        }
    }

    private static IEnumerable<JsonBodyField> Fields(JsonObject source) => source.Select(p => JsonBodyField.Value(p.Key, p.Value));

    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source)
        {
            target[key] = value?.DeepClone();
        }
    }
}
