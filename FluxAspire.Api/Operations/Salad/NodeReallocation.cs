using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Salad;

/// <summary>
/// Asks Salad to move this replica to another node when this one can never run ComfyUI: no GPU visible when the
/// supervised child is about to start (Salad:ReallocateWithoutGpu), or Salad:ReallocateAfterFailedStarts consecutive
/// starts in which ComfyUI never answered. Only on Salad, and at most once per process: Salad replaces the container
/// when it acts. Supervision goes on meanwhile, so a node that recovers still serves.
/// </summary>
public sealed partial class NodeReallocation(
    SaladNode node, SaladMetadataClient metadata, GpuInventory gpus, IOptions<SaladOptions> options, ILogger<NodeReallocation> logger)
{
    private int _asked;

    /// <summary>Before the first start of the supervised child: no GPU visible means this node cannot do the work.</summary>
    public async Task CheckGpuAsync(CancellationToken cancellationToken)
    {
        if (!node.Present || !options.Value.ReallocateWithoutGpu)
        {
            return;
        }

        var listing = await gpus.ListAsync(cancellationToken);
        if (listing.Gpus.Count == 0)
        {
            await RequestAsync($"no GPU visible: {listing.Explanation}", cancellationToken);
        }
        else
        {
            LogGpus(listing.Explanation);
        }
    }

    /// <summary>After each run of the supervised child that never answered; <paramref name="consecutive"/> counts them.</summary>
    public async Task StartFailedAsync(int consecutive, string reason, CancellationToken cancellationToken)
    {
        var limit = options.Value.ReallocateAfterFailedStarts;
        if (node.Present && limit > 0 && consecutive >= limit)
        {
            await RequestAsync($"ComfyUI failed to start {consecutive} times in a row, last: {reason}", cancellationToken);
        }
    }

    private async Task RequestAsync(string reason, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _asked, 1) == 1)
        {
            return;
        }

        LogRequesting(node.MachineId, reason);
        try
        {
            await metadata.ReallocateAsync(reason, cancellationToken);
            LogRequested();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogFailed(ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Information, "GPUs visible on this node: {Gpus}")]
    private partial void LogGpus(string gpus);

    [LoggerMessage(LogLevel.Error, "Node {MachineId} cannot run ComfyUI ({Reason}); asking SaladCloud to reallocate this replica to another node")]
    private partial void LogRequesting(string? machineId, string reason);

    [LoggerMessage(LogLevel.Information, "SaladCloud accepted the reallocation request")]
    private partial void LogRequested();

    [LoggerMessage(LogLevel.Error, "SaladCloud's reallocate call failed (not asked again): {Reason}")]
    private partial void LogFailed(string reason);
}
