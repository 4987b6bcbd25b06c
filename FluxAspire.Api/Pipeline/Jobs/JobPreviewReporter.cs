using FluxAspire.Api.Pipeline.Comfy;

namespace FluxAspire.Api.Pipeline.Jobs;

/// <summary>
/// Passes one job's sampler previews to the store, at most one per <see cref="JobsOptions.PreviewInterval"/> (the first
/// always): a preview is tens of kilobytes, and the simulator's instant steps would otherwise flood the event log.
/// Best effort, like progress: a store that cannot take a preview never fails the job.
/// </summary>
internal sealed partial class JobPreviewReporter(IJobStore store, string jobId, TimeSpan interval, TimeProvider time, ILogger logger)
{
    private long? _lastAt;

    /// <summary>The runner's preview callback for a job that asked for previews; null otherwise.</summary>
    public static Func<ComfyPreview, CancellationToken, ValueTask>? For(
        JobRequest request, IJobStore store, JobsOptions options, TimeProvider time, ILogger logger) =>
        request.Previews ? new JobPreviewReporter(store, request.Id, options.PreviewInterval, time, logger).ReportAsync : null;

    private async ValueTask ReportAsync(ComfyPreview preview, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (_lastAt is { } last && time.GetElapsedTime(last, now) < interval)
        {
            return;
        }

        _lastAt = now;
        try
        {
            await store.ReportPreviewAsync(jobId, new JobPreview(preview.Step, preview.Max, preview.Node, preview.ContentType, preview.Image), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPreviewFailed(jobId, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Job {JobId}: preview not recorded: {Reason}")]
    private partial void LogPreviewFailed(string jobId, string reason);
}
