using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Nodes;
using FluxAspire.ComfySim.Queue;
using FluxAspire.ComfySim.WebSockets;

namespace FluxAspire.ComfySim.Execution;

/// <summary>
/// main.py's prompt_worker: one prompt at a time in priority order. After each prompt: history entry, status
/// broadcast, then <c>executing {node: null}</c> to the prompt's client; between prompts, the /free flags.
/// </summary>
public sealed class PromptWorker(
    PromptQueue queue,
    PromptExecutor executor,
    OutputCache cache,
    ModelMemory models,
    WebSocketHub hub,
    ILogger<PromptWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueItem? item;
            try
            {
                item = await queue.GetAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (item is not null)
            {
                var started = Stopwatch.GetTimestamp();
                ExecutionOutcome outcome;
                try
                {
                    outcome = await executor.ExecuteAsync(item);
                }
                catch (Exception ex)
                {
                    // A simulator bug must not stop the worker (ComfyUI's thread would die; a test double should not).
                    logger.LogError(ex, "Executing prompt {PromptId} failed inside the simulator", item.PromptId);
                    outcome = new ExecutionOutcome([], new JsonObject { ["status_str"] = "error", ["completed"] = false, ["messages"] = new JsonArray() }, []);
                }

                queue.TaskDone(item, outcome.Outputs, outcome.Status, outcome.Meta);
                if (item.ClientId is not null)
                {
                    hub.SendJson(item.ClientId, "executing", new JsonObject { ["node"] = null, ["prompt_id"] = item.PromptId });
                }

                logger.LogInformation("Prompt executed in {Seconds:F2} seconds", Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            var (unloadModels, freeMemory) = queue.TakeFlags();
            if (unloadModels)
            {
                models.UnloadAll();
            }

            if (freeMemory)
            {
                cache.Reset();
            }
        }
    }
}
