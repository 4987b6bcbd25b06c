using System.Text.Json.Nodes;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>A finished job: the graph that ran, its output files (fetched through /view) and timings.</summary>
public sealed record JobResult(string Id, JsonObject Graph, IReadOnlyList<JobOutputFile> Files, JobStats Stats)
{
    /// <summary>The ComfyUI backend that ran it, when the API drives several (ComfyUI:Backends); null with one.</summary>
    public string? Backend { get; init; }

    /// <summary>The same result with each file's description only (name, node, length), for a store that must not keep the bytes.</summary>
    public JobResult WithoutBytes() => this with { Files = [.. Files.Select(f => f with { Content = OutputBytes.Empty, Length = f.Length })] };
}

/// <param name="Content">The bytes, held once (<see cref="OutputBytes"/>); empty when a store returns the file's description
/// only (see <see cref="Length"/>).</param>
public sealed record JobOutputFile(string NodeId, string Filename, OutputBytes Content)
{
    public long Length { get; init; } = Content.Length;

    /// <summary>The description lacks the bytes (they expired, or live elsewhere).</summary>
    public bool IsDescriptionOnly => Content.IsEmpty && Length > 0;
}

/// <summary>Timings in the recipe's terms (see the salad contract's "stats").</summary>
/// <param name="ComfyStart">ComfyUI's execution_start, epoch ms.</param>
/// <param name="ComfyEnd">ComfyUI's execution_success, epoch ms.</param>
/// <param name="NodeStarts">Node id → epoch ms when ComfyUI started it (from "executing" messages; empty if the socket missed them).</param>
public sealed record JobStats(
    long ComfyStart,
    long ComfyEnd,
    IReadOnlyDictionary<string, long> NodeStarts,
    TimeSpan Preprocess,
    TimeSpan ComfyRoundTrip,
    TimeSpan Postprocess,
    TimeSpan Upload,
    TimeSpan Total);
