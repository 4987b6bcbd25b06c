using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>
/// GET /jobs: the jobs submitted with POST /jobs that are still retained, newest first, a page at a time. The store lists
/// them (with Redis, every replica's), so any replica answers the same.
/// </summary>
public static class JobList
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Longer strings of a workflow input (inline images) are left out of the listing.</summary>
    private const int MaxInputString = 4096;

    internal static async Task<Results<Ok<JobListResponse>, ValidationProblem>> ListAsync(
        string? limit, string? before, IJobStore store, IOptions<ComfyOptions> comfyOptions, CancellationToken cancellationToken)
    {
        var count = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            return Invalid("limit", $"must be a whole number from 1 to {MaxLimit}");
        }

        JobListCursor? cursor = null;
        if (before is not null)
        {
            if (await store.GetAsync(before, cancellationToken) is not { Request.RetainOutputs: true } from)
            {
                return Invalid("before", $"no job '{before}' is listed (finished jobs are kept for Jobs:Retention); start again without before");
            }

            cursor = JobListCursor.Of(from);
        }

        var jobs = await store.ListAsync(cursor, count, cancellationToken);
        var includeTraceback = comfyOptions.Value.IncludeTraceback;
        var next = jobs.Count == count ? $"/jobs?limit={count}&before={Uri.EscapeDataString(jobs[^1].Id)}" : null;
        return TypedResults.Ok(new JobListResponse([.. jobs.Select(j => JobListItem.From(j, includeTraceback))], next));
    }

    private static ValidationProblem Invalid(string field, string message) =>
        ApiProblems.Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>The workflow input as submitted (defaults filled in), less inline images.</summary>
    internal static JsonObject? InputOf(JsonObject? echo)
    {
        if (echo?["input"] is not JsonObject input)
        {
            return null;
        }

        var copy = new JsonObject();
        foreach (var (key, value) in input)
        {
            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Length > MaxInputString)
            {
                continue;
            }

            copy[key] = value?.DeepClone();
        }

        return copy;
    }

    /// <summary>The image size: the workflow input's width and height, else the first graph node that has both.</summary>
    internal static (int Width, int Height)? SizeOf(JsonObject? input, JsonObject graph)
    {
        static (int, int)? Pair(JsonNode? inputs) =>
            ComfyValues.AsInt64(inputs?["width"]) is { } w && ComfyValues.AsInt64(inputs?["height"]) is { } h
                && w is > 0 and <= int.MaxValue && h is > 0 and <= int.MaxValue
                ? ((int)w, (int)h)
                : null;

        return Pair(input) ?? graph.Select(node => Pair((node.Value as JsonObject)?["inputs"])).FirstOrDefault(size => size is not null);
    }
}

/// <summary>A page of GET /jobs.</summary>
public sealed record JobListResponse(
    [property: JsonPropertyName("jobs"), Description("Newest first.")] IReadOnlyList<JobListItem> Jobs,
    [property: JsonPropertyName("next"), Description("The next page's URL (older jobs); null on the last page.")] string? Next);

/// <summary>A job in GET /jobs: the job body, plus what a gallery shows (prompt text, size) and what re-runs it (workflow, input).</summary>
public sealed record JobListItem
{
    [JsonPropertyName("job")]
    public required JobResponse Job { get; init; }

    [JsonPropertyName("workflow")]
    [Description("The workflow it ran (text2img, img2img, a custom one); null for a graph (prompt) job.")]
    public required string? Workflow { get; init; }

    [JsonPropertyName("prompt")]
    [Description("The prompt text of the workflow input; null when there is none.")]
    public required string? Prompt { get; init; }

    [JsonPropertyName("width")]
    public required int? Width { get; init; }

    [JsonPropertyName("height")]
    public required int? Height { get; init; }

    [JsonPropertyName("input")]
    [Description("The workflow input as it ran (defaults, the seed included, filled in; inline images left out); null for a graph job.")]
    public required JsonObject? Input { get; init; }

    public static JobListItem From(JobRecord job, bool includeTraceback)
    {
        var echo = job.Request.Echo;
        var input = JobList.InputOf(echo);
        var size = JobList.SizeOf(input, job.Request.Graph);
        return new JobListItem
        {
            Job = JobResponse.From(job, includeTraceback),
            Workflow = echo?["workflow"] is JsonValue w && w.GetValueKind() == JsonValueKind.String ? w.GetValue<string>() : null,
            Prompt = input?["prompt"] is JsonValue p && p.GetValueKind() == JsonValueKind.String ? p.GetValue<string>() : null,
            Width = size?.Width,
            Height = size?.Height,
            Input = input,
        };
    }
}
