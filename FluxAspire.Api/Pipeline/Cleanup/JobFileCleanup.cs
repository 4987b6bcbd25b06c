using System.Collections.Concurrent;
using FluxAspire.Api.Delivery.SystemWebhooks;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Cleanup;

/// <summary>
/// Deletes exactly the files a job put on ComfyUI's disk once it ended, whatever the outcome: the images it uploaded
/// and the outputs GET /history lists for it (filename + subfolder + type "output"; previews in temp are ComfyUI's to
/// clear). Runs in the background so responses never wait for it; every path must stay inside its folder.
/// </summary>
public sealed partial class JobFileCleanup(ComfyClient client, IOptions<ComfyFolderOptions> options, SystemWebhookNotifier systemWebhooks, ILogger<JobFileCleanup> logger)
{
    private static readonly TimeSpan SettleInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan SettleLimit = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<Task, bool> _pending = new();

    public bool Enabled => options.Value.InputDirectory is not null || options.Value.OutputDirectory is not null;

    /// <summary>Deletes the job's uploaded inputs now, and, when it reached ComfyUI, its outputs once ComfyUI is done with it.</summary>
    public void Schedule(JobRequest request, bool reachedComfy)
    {
        if (!Enabled)
        {
            return;
        }

        var task = Task.Run(() => CleanAsync(request, reachedComfy));
        _pending.TryAdd(task, true);
        _ = task.ContinueWith(t => _pending.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>Deletes uploaded inputs of a job that never reached ComfyUI.</summary>
    public void DeleteInputs(JobRequest request)
    {
        foreach (var input in request.ImageInputs)
        {
            Delete(options.Value.InputDirectory, "", input.FileName);
        }
    }

    /// <summary>Waits for cleanups in progress (shutdown, tests).</summary>
    public Task DrainAsync() => Task.WhenAll(_pending.Keys);

    private async Task CleanAsync(JobRequest request, bool reachedComfy)
    {
        try
        {
            if (reachedComfy)
            {
                // Outputs first: an interrupted prompt may still be writing, and its history appears when it ends.
                if (await SettledHistoryAsync(request.Id) is { } history)
                {
                    foreach (var file in history.Files.Where(f => f.Type == "output"))
                    {
                        Delete(options.Value.OutputDirectory, file.Subfolder, file.Filename);
                    }
                }
            }

            DeleteInputs(request);
        }
        catch (Exception ex)
        {
            LogCleanupFailed(ex, request.Id);
        }
    }

    /// <summary>The prompt's history once it is neither queued nor running; null when ComfyUI never kept it.</summary>
    private async Task<ComfyHistoryEntry?> SettledHistoryAsync(string id)
    {
        using var limit = new CancellationTokenSource(SettleLimit);
        while (!limit.IsCancellationRequested)
        {
            try
            {
                if (await client.GetHistoryAsync(id, limit.Token) is { } entry)
                {
                    return entry;
                }

                if (!(await client.GetQueueAsync(limit.Token)).Contains(id))
                {
                    // Checked again: ComfyUI writes history as it takes the prompt off the queue.
                    return await client.GetHistoryAsync(id, limit.Token);
                }
            }
            catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException)
            {
                LogHistoryUnavailable(id, ex.Message);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await Task.Delay(SettleInterval, limit.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        LogGaveUp(id);
        return null;
    }

    private void Delete(string? folder, string subfolder, string fileName)
    {
        if (folder is null)
        {
            return;
        }

        if (SafePath(folder, subfolder, fileName) is not { } path)
        {
            LogEscapeRefused(subfolder, fileName);
            return;
        }

        try
        {
            var size = new FileInfo(path) is { Exists: true } info ? info.Length : (long?)null;
            File.Delete(path);
            if (size is not null) systemWebhooks.OnStorageEvent(SystemWebhookEvents.FileDeleted, null, path: path, size: size);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(path, ex.Message);
        }
    }

    /// <summary>folder/subfolder/fileName, or null when the result would leave the folder.</summary>
    internal static string? SafePath(string folder, string subfolder, string fileName)
    {
        if (fileName.Length == 0 || Path.IsPathRooted(subfolder) || Path.IsPathRooted(fileName))
        {
            return null;
        }

        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine(root, subfolder, fileName));
        var rootWithSeparator = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(rootWithSeparator, StringComparison.Ordinal) ? path : null;
    }

    [LoggerMessage(LogLevel.Warning, "Cleanup of job {JobId} failed")]
    private partial void LogCleanupFailed(Exception exception, string jobId);

    [LoggerMessage(LogLevel.Warning, "Cleanup of job {JobId}: ComfyUI's history is unavailable ({Reason})")]
    private partial void LogHistoryUnavailable(string jobId, string reason);

    [LoggerMessage(LogLevel.Warning, "Cleanup of job {JobId}: ComfyUI did not settle it in time; its outputs stay")]
    private partial void LogGaveUp(string jobId);

    [LoggerMessage(LogLevel.Warning, "Cleanup refused a path outside ComfyUI's folder: subfolder '{Subfolder}', file '{FileName}'")]
    private partial void LogEscapeRefused(string subfolder, string fileName);

    [LoggerMessage(LogLevel.Warning, "Could not delete {Path}: {Reason}")]
    private partial void LogDeleteFailed(string path, string reason);
}
