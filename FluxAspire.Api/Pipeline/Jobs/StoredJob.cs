using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>How a job's hash in Redis maps to and from a <see cref="JobRecord"/>. Output bytes live in their own keys.</summary>
internal static class StoredJob
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(JobRequest request) => JsonSerializer.Serialize(request, Json);

    public static string Serialize(JobProgress progress) => JsonSerializer.Serialize(progress, Json);

    public static string Serialize(JobFailure failure) => JsonSerializer.Serialize(failure, Json);

    /// <summary>The result without its bytes: file names, nodes and sizes, the graph and the stats.</summary>
    public static string Describe(JobResult result) => JsonSerializer.Serialize(
        new ResultDescription(result.Id, result.Graph, [.. result.Files.Select(f => new FileDescription(f.NodeId, f.Filename, f.Length))], result.Stats, result.Backend),
        Json);

    public static long Millis(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static string Status(JobStatus status) => status.ToString().ToLowerInvariant();

    public static JobStatus ParseStatus(string? status) => Enum.Parse<JobStatus>(status ?? "queued", ignoreCase: true);

    /// <summary>The record from HGETALL; null when the hash is missing or unreadable.</summary>
    public static JobRecord? Read(HashEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return null;
        }

        var fields = entries.ToDictionary(e => e.Name.ToString(), e => e.Value);
        if (!fields.TryGetValue("request", out var requestJson) || JsonSerializer.Deserialize<JobRequest>(requestJson.ToString(), Json) is not { } request)
        {
            return null;
        }

        return new JobRecord(request, Time(fields, "deadline") ?? request.ReceivedAt, ParseStatus(Text(fields, "status")))
        {
            StartedAt = Time(fields, "started"),
            FinishedAt = Time(fields, "finished"),
            Attempts = (int)(fields.TryGetValue("attempts", out var attempts) && attempts.TryParse(out long n) ? n : 0),
            Replica = Text(fields, "replica"),
            Progress = Text(fields, "progress") is { } progress ? JsonSerializer.Deserialize<JobProgress>(progress, Json) : null,
            Failure = Text(fields, "failure") is { } failure ? JsonSerializer.Deserialize<JobFailure>(failure, Json) : null,
            Result = Text(fields, "result") is { } result ? ReadResult(result) : null,
        };
    }

    /// <summary>An event from the job's stream.</summary>
    public static JobEvent ReadEvent(StreamEntry entry)
    {
        var kind = entry["kind"].ToString() switch
        {
            "progress" => JobEventKind.Progress,
            "ended" => JobEventKind.Ended,
            "preview" => JobEventKind.Preview,
            _ => JobEventKind.Status,
        };
        var progress = entry["progress"];
        var preview = kind == JobEventKind.Preview && entry["preview"] is { IsNullOrEmpty: false } meta && entry["image"] is { IsNullOrEmpty: false } image
            ? JsonSerializer.Deserialize<JobPreview>(meta.ToString(), Json)! with { Image = (byte[])image! }
            : null;
        return new JobEvent(
            entry.Id.ToString(),
            kind,
            ParseStatus(entry["status"].ToString()),
            DateTimeOffset.FromUnixTimeMilliseconds((long)entry["at"]),
            progress.IsNullOrEmpty ? null : JsonSerializer.Deserialize<JobProgress>(progress.ToString(), Json),
            entry["attempt"].TryParse(out int attempt) ? attempt : 0)
        {
            Preview = preview,
        };
    }

    /// <summary>A preview's description for its stream entry; the image goes beside it as raw bytes.</summary>
    public static string Describe(JobPreview preview) => JsonSerializer.Serialize(preview with { Image = [] }, Json);

    private static JobResult ReadResult(string json)
    {
        var description = JsonSerializer.Deserialize<ResultDescription>(json, Json)!;
        return new JobResult(description.Id, description.Graph,
            [.. description.Files.Select(f => new JobOutputFile(f.NodeId, f.Filename, OutputBytes.Empty) { Length = f.Length })], description.Stats)
        {
            Backend = description.Backend,
        };
    }

    private static string? Text(Dictionary<string, RedisValue> fields, string name) =>
        fields.TryGetValue(name, out var value) && !value.IsNullOrEmpty ? value.ToString() : null;

    private static DateTimeOffset? Time(Dictionary<string, RedisValue> fields, string name) =>
        fields.TryGetValue(name, out var value) && long.TryParse(value.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;

    private sealed record ResultDescription(string Id, JsonObject Graph, IReadOnlyList<FileDescription> Files, JobStats Stats, string? Backend = null);

    private sealed record FileDescription(string NodeId, string Filename, long Length);
}
