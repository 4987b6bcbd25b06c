using System.Text.Json.Nodes;
using System.Threading.Channels;
using FluxAspire.Api.Operations.Telemetry;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>
/// Runs one prompt on ComfyUI and waits for its end. WebSocket messages give progress and timings; GET /history/{id}
/// decides the outcome. The waiter asks history after a terminal message, whenever its prompt has been quiet for
/// <see cref="ComfyOptions.QuietPeriod"/>, and on every <see cref="ComfyOptions.HistoryPollInterval"/> while the socket
/// is down, so a dropped or silent socket costs seconds, never the request. The caller bounds the wait with its token.
/// </summary>
public sealed partial class ComfyPromptRunner(
    ComfyClient client,
    ComfyPromptSubmitter submitter,
    ComfyPromptEvents events,
    ComfyWebSocket socket,
    IOptions<ComfyOptions> options,
    TimeProvider time,
    ILogger<ComfyPromptRunner> logger)
{
    private static readonly TimeSpan AfterTerminalPollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a cancel or deadline waits for ComfyUI to drop the prompt before the job ends anyway: a ComfyUI
    /// that answers is done well within it (so its queue is clean when the caller hears back); a frozen one must not hold
    /// the deadline, so the clean-up then goes on in the background.</summary>
    private static readonly TimeSpan ForgetHold = TimeSpan.FromMilliseconds(250);

    /// <param name="onProgress">Called in order for each "progress" message of the prompt (a sampler step); the wait
    /// goes on when it returns.</param>
    /// <param name="onPreview">Called in order for each preview frame of the prompt (ComfyUI runs with a preview method).</param>
    public async Task<ComfyPromptResult> RunAsync(
        string promptId, JsonObject prompt, Func<ComfyProgress, CancellationToken, ValueTask>? onProgress,
        Func<ComfyPreview, CancellationToken, ValueTask>? onPreview, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var subscription = events.Subscribe(promptId);
        var timeline = new ComfyExecutionTimeline();
        using (var submit = ApiTelemetry.Source.StartActivity("comfyui submit"))
        {
            submit?.SetTag(ApiTelemetry.JobId, promptId);
            submit?.SetTag(ApiTelemetry.JobAttempt, submit.Parent?.GetTagItem(ApiTelemetry.JobAttempt));
            try
            {
                await submitter.SubmitAsync(prompt, promptId, socket.ClientId, cancellationToken);
            }
            catch (Exception ex)
            {
                ApiTelemetry.Fail(submit, ex.GetType().Name, ex.Message);
                throw;
            }
        }

        using var trace = ComfyRunTrace.Start(promptId, prompt, settings.BaseUri, time);
        try
        {
            return await WaitAsync(promptId, subscription.Reader, timeline, trace, settings, onProgress, onPreview, cancellationToken);
        }
        catch (ComfyExecutionException failed)
        {
            trace.Failed(failed.Error);
            throw;
        }
        catch (OperationCanceledException ex)
        {
            trace.Failed(ex);
            var forgetting = ForgetAsync(promptId);
            try
            {
                await forgetting.WaitAsync(ForgetHold, time);
            }
            catch (TimeoutException)
            {
                LogForgetContinues(promptId, ForgetHold.TotalMilliseconds);
            }

            throw;
        }
        catch (Exception ex)
        {
            trace.Failed(ex);
            throw;
        }
    }

    private async Task<ComfyPromptResult> WaitAsync(
        string promptId, ChannelReader<ComfyMessage> messages, ComfyExecutionTimeline timeline, ComfyRunTrace trace, ComfyOptions settings,
        Func<ComfyProgress, CancellationToken, ValueTask>? onProgress, Func<ComfyPreview, CancellationToken, ValueTask>? onPreview,
        CancellationToken cancellationToken)
    {
        var sawTerminal = false;
        ComfyProgress? lastProgress = null;
        ComfyMessage? lastProgressState = null;
        var missing = 0;
        DateTimeOffset? unreachableSince = null;
        while (true)
        {
            var wait = sawTerminal ? AfterTerminalPollInterval : socket.IsConnected ? settings.QuietPeriod : settings.HistoryPollInterval;
            if (await ReadAsync(messages, wait, cancellationToken) is { } message)
            {
                timeline.Observe(message);
                trace.Observe(message);
                if (ComfyProgress.From(message) is { } progress)
                {
                    lastProgress = progress;
                    if (onProgress is not null)
                    {
                        await onProgress(progress, cancellationToken);
                    }
                }
                else if (message.Type == "progress_state")
                {
                    lastProgressState = message;
                }
                else if (onPreview is not null && ComfyPreview.From(message, lastProgress, lastProgressState) is { } preview)
                {
                    await onPreview(preview, cancellationToken);
                }

                if (!message.IsTerminal)
                {
                    continue;
                }

                sawTerminal = true;
            }

            try
            {
                if (await client.GetHistoryAsync(promptId, cancellationToken) is { } entry)
                {
                    timeline.Observe(entry);
                    return Outcome(promptId, entry, timeline);
                }

                unreachableSince = null;
                // Not in history and not queued twice in a row: ComfyUI lost it (a restart forgets queue and history).
                missing = sawTerminal || (await client.GetQueueAsync(cancellationToken)).Contains(promptId) ? 0 : missing + 1;
                if (missing >= 2)
                {
                    throw new ComfyProtocolException($"ComfyUI no longer knows prompt {promptId}; it may have restarted");
                }
            }
            catch (ComfyUnavailableException ex)
            {
                unreachableSince ??= time.GetUtcNow();
                LogUnreachable(promptId, ex.Message);
                if (time.GetUtcNow() - unreachableSince >= settings.UnreachableGracePeriod)
                {
                    throw new ComfyUnavailableException("ComfyUI stopped answering while it was running the prompt", ex);
                }
            }
        }
    }

    private static ComfyPromptResult Outcome(string promptId, ComfyHistoryEntry entry, ComfyExecutionTimeline timeline)
    {
        if (entry.Succeeded)
        {
            return new ComfyPromptResult(promptId, entry, timeline);
        }

        if (entry.Message("execution_error") is { } error)
        {
            throw new ComfyExecutionException(error);
        }

        if (entry.Message("execution_interrupted") is { } interrupted)
        {
            throw new ComfyInterruptedException(interrupted);
        }

        throw new ComfyProtocolException($"prompt {promptId} ended with status '{entry.Status}' and no error message");
    }

    private async Task<ComfyMessage?> ReadAsync(ChannelReader<ComfyMessage> messages, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (messages.TryRead(out var ready))
        {
            return ready;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            return await messages.WaitToReadAsync(timeout.Token) && messages.TryRead(out var message) ? message : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Best effort after a cancel or deadline: drop the prompt from ComfyUI's queue, or stop it if it runs.</summary>
    private async Task ForgetAsync(string promptId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
        try
        {
            await client.DeleteQueuedAsync(promptId, timeout.Token);
            await client.InterruptAsync(promptId, timeout.Token);
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException or OperationCanceledException)
        {
            LogForgetFailed(promptId, ex.Message);
        }
    }

    [LoggerMessage(LogLevel.Warning, "ComfyUI unreachable while waiting for {PromptId}: {Reason}")]
    private partial void LogUnreachable(string promptId, string reason);

    [LoggerMessage(LogLevel.Warning, "ComfyUI did not drop prompt {PromptId} within {Milliseconds} ms of its cancel; the job ends now and the clean-up goes on")]
    private partial void LogForgetContinues(string promptId, double milliseconds);

    [LoggerMessage(LogLevel.Warning, "Could not remove prompt {PromptId} from ComfyUI after cancellation: {Reason}")]
    private partial void LogForgetFailed(string promptId, string reason);
}
