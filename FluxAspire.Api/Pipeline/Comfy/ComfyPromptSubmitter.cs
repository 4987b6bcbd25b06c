using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Pipeline.Comfy;

/// <summary>
/// Queues a prompt exactly once. ComfyUI does not de-duplicate prompt ids, and a POST whose answer was lost may still
/// have queued the prompt, so before every retry this asks GET /queue and GET /history whether our id is already there.
/// </summary>
public sealed partial class ComfyPromptSubmitter(ComfyClient client, IOptions<ComfyOptions> options, TimeProvider time, ILogger<ComfyPromptSubmitter> logger)
{
    public async Task SubmitAsync(JsonObject prompt, string promptId, string clientId, CancellationToken cancellationToken)
    {
        var attempts = options.Value.SubmitAttempts;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await client.QueuePromptAsync(prompt, promptId, clientId, cancellationToken);
                return;
            }
            catch (ComfyUnavailableException ex) when (attempt < attempts)
            {
                LogRetry(promptId, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, cancellationToken);
                if (await IsAlreadyQueuedAsync(promptId, cancellationToken))
                {
                    return;
                }
            }
        }
    }

    /// <summary>True when ComfyUI already has the prompt; throws when that cannot be known (never guess and resubmit).</summary>
    private async Task<bool> IsAlreadyQueuedAsync(string promptId, CancellationToken cancellationToken)
    {
        if ((await client.GetQueueAsync(cancellationToken)).Contains(promptId))
        {
            return true;
        }

        // A prompt can finish between the two calls, so history is asked second.
        return await client.GetHistoryAsync(promptId, cancellationToken) is not null;
    }

    [LoggerMessage(LogLevel.Warning, "POST /prompt for {PromptId} failed (attempt {Attempt}): {Reason}; checking /queue and /history before retrying")]
    private partial void LogRetry(string promptId, int attempt, string reason);
}
