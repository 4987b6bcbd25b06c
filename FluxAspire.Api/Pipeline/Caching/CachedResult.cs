using FluxAspire.Api.Delivery.Uploads;
using FluxAspire.Api.Pipeline.Jobs;

namespace FluxAspire.Api.Pipeline.Caching;

/// <summary>
/// A stored result: the output files as delivered (converted when the request asked for it) and the ComfyUI timings
/// of the run that made them. The job id it ran under is kept so file names can be given the next caller's id.
/// </summary>
/// <param name="JobId">The id of the job that computed it.</param>
/// <param name="ComfyStart">ComfyUI's execution_start of that run, epoch ms.</param>
/// <param name="ComfyEnd">ComfyUI's execution_success of that run, epoch ms.</param>
/// <param name="NodeStarts">Node id → epoch ms of that run.</param>
/// <param name="CreatedAt">When it was stored.</param>
public sealed record CachedResult(
    string JobId,
    IReadOnlyList<CachedFile> Files,
    long ComfyStart,
    long ComfyEnd,
    IReadOnlyDictionary<string, long> NodeStarts,
    DateTimeOffset CreatedAt)
{
    /// <summary>The bytes of all output files, what the size limits count.</summary>
    public long TotalBytes => Files.Sum(f => (long)f.Content.Length);

    /// <summary>The entry for a finished job; null when the result lacks some file's bytes (a store that keeps only
    /// the files' descriptions), which could not be served again.</summary>
    public static CachedResult? From(JobResult result, DateTimeOffset now)
    {
        if (result.Files.Any(f => f.IsDescriptionOnly))
        {
            return null;
        }

        return new CachedResult(
            result.Id,
            result.Files.Select(f => new CachedFile(f.NodeId, f.Filename, ContentTypes.ForFile(f.Filename), f.Content)).ToList(),
            result.Stats.ComfyStart,
            result.Stats.ComfyEnd,
            result.Stats.NodeStarts,
            now);
    }

    /// <summary>
    /// The result as <paramref name="job"/> gets it: its own id and graph, file names carrying its id where the original
    /// carried the original's, ComfyUI's timings of the original run, and no ComfyUI round trip or post-processing.
    /// </summary>
    public JobResult ToJobResult(JobRequest job, DateTimeOffset now)
    {
        var originalPrefix = JobId + "_";
        var files = Files.Select(f => new JobOutputFile(f.NodeId,
            f.Filename.StartsWith(originalPrefix, StringComparison.Ordinal) ? $"{job.Id}_{f.Filename[originalPrefix.Length..]}" : f.Filename,
            f.Content)).ToList();
        var stats = new JobStats(ComfyStart, ComfyEnd, NodeStarts, job.PreprocessTime, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero,
            now - job.ReceivedAt);
        return new JobResult(job.Id, job.Graph, files, stats);
    }
}

/// <summary>One output file of a <see cref="CachedResult"/>.</summary>
public sealed record CachedFile(string NodeId, string Filename, string ContentType, OutputBytes Content);
