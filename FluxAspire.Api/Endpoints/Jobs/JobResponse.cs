using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Problems;
using FluxAspire.Api.Pipeline.Prompts;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>A job as GET /jobs/{id} shows it (also the body of POST /jobs, of the cancel, and of the SSE snapshot and final event).</summary>
public sealed record JobResponse
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("status")]
    [JsonConverter(typeof(SnakeCaseEnumConverter<JobStatus>))]
    public required JobStatus Status { get; init; }

    [JsonPropertyName("progress")]
    [Description("The latest sampler step of the running attempt; null before the first step.")]
    public required JobProgressBody? Progress { get; init; }

    [JsonPropertyName("queue_position")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("While queued, in GET /jobs/{id} and the events stream: the job's place in the queue, counted when read; 1 = the next " +
        "job to start, 2 = one job ahead of it. Absent otherwise, and while a worker is taking the job.")]
    public int? QueuePosition { get; init; }

    [JsonPropertyName("created_at")]
    [Description("When the request arrived (ISO 8601, UTC).")]
    public required DateTime CreatedAt { get; init; }

    [JsonPropertyName("started_at")]
    [Description("When the latest attempt started running; null while queued.")]
    public required DateTime? StartedAt { get; init; }

    [JsonPropertyName("finished_at")]
    public required DateTime? FinishedAt { get; init; }

    [JsonPropertyName("attempts")]
    [Description("How many times a worker started the job: more than 1 after its replica was lost and another re-ran it.")]
    public required int Attempts { get; init; }

    [JsonPropertyName("result")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("Only when succeeded.")]
    public JobResultBody? Result { get; init; }

    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("Only when failed or canceled.")]
    public JobErrorBody? Error { get; init; }

    /// <param name="includeTraceback">ComfyOptions.IncludeTraceback: whether ComfyUI's tracebacks may be shown.</param>
    public static JobResponse From(JobRecord job, bool includeTraceback) => new()
    {
        Id = job.Id,
        Status = job.Status,
        Progress = JobProgressBody.From(job.Progress),
        CreatedAt = job.CreatedAt.UtcDateTime,
        StartedAt = job.StartedAt?.UtcDateTime,
        FinishedAt = job.FinishedAt?.UtcDateTime,
        Attempts = job.Attempts,
        Result = job.Status == JobStatus.Succeeded && job.Result is { } result ? JobResultBody.From(job.Id, result) : null,
        Error = job.Failure is { } failure ? JobErrorBody.From(job.Id, failure, includeTraceback) : null,
    };
}

/// <summary>ComfyUI's progress: step <see cref="Value"/> of <see cref="Max"/> in node <see cref="Node"/>.</summary>
public sealed record JobProgressBody(
    [property: JsonPropertyName("value")] int Value,
    [property: JsonPropertyName("max")] int Max,
    [property: JsonPropertyName("node")] string? Node)
{
    public static JobProgressBody? From(JobProgress? progress) => progress is null ? null : new(progress.Value, progress.Max, progress.Node);
}

public sealed record JobResultBody(
    [property: JsonPropertyName("outputs")] IReadOnlyList<JobOutputBody> Outputs,
    [property: JsonPropertyName("stats")] PromptStats Stats)
{
    [JsonPropertyName("backend")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("The ComfyUI backend (one per GPU) that ran the job, when the API drives several; absent with one.")]
    public string? Backend { get; init; }

    public static JobResultBody From(string jobId, JobResult result) => new(
        result.Files.Select((file, index) => new JobOutputBody(index, file.NodeId, file.Filename, OutputContentTypes.Of(file.Filename), file.Length,
            $"/jobs/{Uri.EscapeDataString(jobId)}/outputs/{index}")).ToList(),
        PromptStats.From(result.Stats))
    {
        Backend = result.Backend,
    };
}

/// <summary>One output file; its bytes are at <see cref="Url"/> while the job is retained.</summary>
public sealed record JobOutputBody(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("node_id")] string NodeId,
    [property: JsonPropertyName("filename")] string Filename,
    [property: JsonPropertyName("content_type")] string ContentType,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("url")] string Url);

/// <summary>Why the job failed: the failure kind, a message, and ComfyUI's error fields where there are some (never secrets).</summary>
public sealed record JobErrorBody(
    [property: JsonPropertyName("type")][property: JsonConverter(typeof(SnakeCaseEnumConverter<JobFailureKind>))] JobFailureKind Type,
    [property: JsonPropertyName("message")] string Message)
{
    [JsonPropertyName("details")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    [Description("ComfyUI's error fields where there are some: node_id, node_type, exception_type, exception_message; node_errors for a graph it refused.")]
    public JsonObject? Details { get; init; }

    /// <summary>The details are the fields the synchronous endpoints' problem carries for the same failure (node_id,
    /// exception_message, node_errors …): ComfyUI's data trimmed to what a caller can act on.</summary>
    public static JobErrorBody From(string jobId, JobFailure failure, bool includeTraceback)
    {
        var details = new JsonObject();
        foreach (var (key, value) in ApiProblems.FromFailure(jobId, failure, includeTraceback).ProblemDetails.Extensions)
        {
            if (key is "id" or "traceId" || value is null) continue;
            details[key] = value as JsonNode ?? JsonSerializer.SerializeToNode(value);
        }

        return new JobErrorBody(failure.Kind, failure.Message) { Details = details.Count > 0 ? details : null };
    }
}
