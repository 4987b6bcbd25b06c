using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Backpressure;

/// <summary>
/// Measures how many jobs wait on this instance and whether that reaches MAX_QUEUE_DEPTH. Waiting jobs are the ones
/// in our own queue (accepted, not yet handed to ComfyUI) plus ComfyUI's queue_remaining (its running and pending
/// prompts, read live from GET /prompt as the recipe's WebSocket status does). The check is not atomic with the
/// submission, so a burst of simultaneous requests can pass it together: the limit is soft by that burst.
/// </summary>
public sealed class QueuePressure(IJobQueue queue, ComfyBackends backends, ExecutionTimes executionTimes, IOptions<BackpressureOptions> options)
{
    private readonly long[] _lastInComfy = new long[backends.All.Count];

    /// <summary>Depth now against the limit; <see cref="Reading.AtLimit"/> is false when there is no limit.</summary>
    public readonly record struct Reading(int Depth, int Limit, TimeSpan RetryAfter)
    {
        public bool AtLimit => Limit > 0 && Depth >= Limit;

        public string Reason => $"queue is full: {Depth} jobs queued or running, MAX_QUEUE_DEPTH is {Limit}";
    }

    public async Task<Reading> MeasureAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.MaxQueueDepth == 0)
        {
            return new Reading(0, 0, TimeSpan.Zero);
        }

        var inComfy = (await Task.WhenAll(backends.All.Select((backend, i) => QueueRemainingAsync(backend, i, cancellationToken)))).Sum();
        var depth = (int)Math.Min(int.MaxValue, queue.Count + inComfy);
        return new Reading(depth, settings.MaxQueueDepth, EstimateRetryAfter(executionTimes.Average, depth, settings));
    }

    private async Task<long> QueueRemainingAsync(ComfyBackend backend, int index, CancellationToken cancellationToken)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        probe.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            var remaining = await backend.Client.GetQueueRemainingAsync(probe.Token);
            Interlocked.Exchange(ref _lastInComfy[index], remaining);
            return remaining;
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException ||
                                   ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A slow or absent answer (ComfyUI down is /ready's other reason) counts as the last one ComfyUI gave:
            // counting 0 would open the gate exactly when ComfyUI is too busy to answer quickly.
            return Interlocked.Read(ref _lastInComfy[index]);
        }
    }

    /// <summary>A slot frees once (depth - limit + 1) prompts have finished; ComfyUI runs one at a time.</summary>
    internal static TimeSpan EstimateRetryAfter(TimeSpan? perPromptLately, int depth, BackpressureOptions settings)
    {
        var perPrompt = perPromptLately ?? settings.AssumedExecutionTime;
        var ahead = Math.Max(1, depth - settings.MaxQueueDepth + 1);
        var seconds = Math.Ceiling(perPrompt.TotalSeconds * ahead);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, 1, 600));
    }
}
