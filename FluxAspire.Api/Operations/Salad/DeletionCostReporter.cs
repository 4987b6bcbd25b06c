using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Salad;

/// <summary>
/// Keeps Salad's deletion cost of this replica at its queued + running jobs (jobs it holds from the queue, plus jobs only
/// it can run), so that scaling in removes idle replicas first. The count is read Salad:DeletionCostInterval after the last call ended
/// and sent when it changed; a failed call is logged once per failure streak and sent again on the next tick.
/// </summary>
internal sealed partial class DeletionCostReporter(
    SaladMetadataClient metadata,
    JobWorker worker,
    IJobQueue queue,
    IOptions<SaladOptions> options,
    TimeProvider time,
    ILogger<DeletionCostReporter> logger) : BackgroundService
{
    private int? _sent;
    private bool _failing;

    /// <summary>What the deletion cost should be now.</summary>
    internal int CurrentCost => worker.HeldCount + queue.OwnCount;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The wait starts when a call has ended (not on a fixed beat, as a PeriodicTimer would), so a call that took
            // long is never followed at once by the next: Salad sees at most one update per interval.
            while (true)
            {
                await SendIfChangedAsync(stoppingToken);
                await Task.Delay(options.Value.DeletionCostInterval, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendIfChangedAsync(CancellationToken stoppingToken)
    {
        var cost = CurrentCost;
        if (cost == _sent)
        {
            return;
        }

        try
        {
            await metadata.SetDeletionCostAsync(cost, stoppingToken);
            _sent = cost;
            if (_failing)
            {
                _failing = false;
                LogRecovered(cost);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
        {
            if (!_failing)
            {
                _failing = true;
                LogFailed(cost, ex.Message);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not set Salad's deletion cost to {Cost} (trying again every interval, logged once): {Reason}")]
    private partial void LogFailed(int cost, string reason);

    [LoggerMessage(LogLevel.Information, "Salad's deletion cost is set again ({Cost})")]
    private partial void LogRecovered(int cost);
}
