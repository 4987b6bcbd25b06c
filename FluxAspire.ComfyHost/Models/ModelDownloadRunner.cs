using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Runs a <see cref="ComfyUIModelDownloadResource"/> inside the AppHost and reports it on the dashboard.</summary>
/// <param name="resource">The step.</param>
/// <param name="notifications">Where its state goes (the dashboard).</param>
/// <param name="loggers">Its console in the dashboard and the AppHost's own log: each line goes to both.</param>
/// <param name="downloader">The downloader.</param>
internal sealed class ModelDownloadRunner(
    ComfyUIModelDownloadResource resource, ResourceNotificationService notifications, IReadOnlyList<ILogger> loggers, ModelDownloader downloader)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await PublishAsync(KnownResourceStates.Running, KnownResourceStateStyles.Info, s => s with { StartTimeStamp = DateTime.UtcNow });
        try
        {
            var token = resource.Token is { } parameter ? await parameter.GetValueAsync(cancellationToken) : null;
            foreach (var (file, index) in resource.Files.Select((f, i) => (f, i)))
            {
                await notifications.PublishUpdateAsync(resource, s => s with
                {
                    State = new ResourceStateSnapshot($"Checking {file.Path}", KnownResourceStateStyles.Info),
                });
                var clock = Stopwatch.StartNew();
                var throttle = new ProgressThrottle(this, index, ProgressInterval);
                var result = await downloader.EnsureAsync(file, resource.ModelsDirectory, token, throttle, cancellationToken);
                await throttle.FlushAsync();
                var verified = result.Sha256 is null ? "not verified: no Sha256 configured" : $"SHA-256 {result.Sha256} verified";
                var outcome = result.Downloaded
                    ? $"downloaded {ModelDownloadText.Gigabytes(result.Bytes)} GB in {clock.Elapsed.TotalSeconds:0} s ({result.Requests} requests), {verified}"
                    : $"already present ({ModelDownloadText.Gigabytes(result.Bytes)} GB), {verified}; not downloaded";
                Log(LogLevel.Information, $"{file.Path}: {outcome}");
                await notifications.PublishUpdateAsync(resource, s => s with
                {
                    Properties = s.Properties.WithProperty(ProgressProperty(index), $"{file.Path}: {outcome}"),
                });
            }

            await PublishAsync(KnownResourceStates.Finished, KnownResourceStateStyles.Success,
                s => s with { ExitCode = 0, StopTimeStamp = DateTime.UtcNow });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await PublishAsync(KnownResourceStates.Exited, KnownResourceStateStyles.Warn,
                s => s with { ExitCode = 130, StopTimeStamp = DateTime.UtcNow });
        }
        catch (Exception ex) when (ex is ModelDownloadException or IOException or UnauthorizedAccessException or HttpRequestException)
        {
            Log(LogLevel.Error, $"{resource.Name} failed, so ComfyUI will not start: {ex.Message}");
            await PublishAsync(KnownResourceStates.Exited, KnownResourceStateStyles.Error,
                s => s with { ExitCode = 1, StopTimeStamp = DateTime.UtcNow });
        }
    }

    private Task PublishProgressAsync(int index, ModelDownloadProgress value) =>
        notifications.PublishUpdateAsync(resource, s => s with
        {
            State = new ResourceStateSnapshot(
                value.Percent is { } percent ? $"Downloading {percent}%" : "Downloading", KnownResourceStateStyles.Info),
            Properties = s.Properties.WithProperty(ProgressProperty(index), $"{value.File.Path}: {value}"),
        });

    private void Log(LogLevel level, string message)
    {
        foreach (var logger in loggers)
        {
#pragma warning disable CA2254 // the message is already formatted; it carries no token
            logger.Log(level, message);
#pragma warning restore CA2254
        }
    }

    internal static string ProgressProperty(int index) => $"model.{index}.progress";

    private Task PublishAsync(string state, string style, Func<CustomResourceSnapshot, CustomResourceSnapshot> more) =>
        notifications.PublishUpdateAsync(resource, s => more(s with { State = new ResourceStateSnapshot(state, style) }));

    // The dashboard gets a new state at most once a second and on every whole percent, not once per 1 MiB chunk.
    private sealed class ProgressThrottle(ModelDownloadRunner runner, int index, TimeSpan interval) : IProgress<ModelDownloadProgress>
    {
        private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
        private int? _lastPercent = -1;
        private ModelDownloadProgress? _pending;
        private Task _publishing = Task.CompletedTask;

        public void Report(ModelDownloadProgress value)
        {
            _pending = value;
            if ((value.Percent == _lastPercent && _sinceLast.Elapsed < interval) || !_publishing.IsCompleted)
            {
                return;
            }

            _lastPercent = value.Percent;
            _sinceLast.Restart();
            _publishing = PublishAsync(value);
        }

        public async Task FlushAsync()
        {
            await _publishing;
            if (_pending is { } last)
            {
                await PublishAsync(last);
            }
        }

        private Task PublishAsync(ModelDownloadProgress value) => runner.PublishProgressAsync(index, value);
    }
}
