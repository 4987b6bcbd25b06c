using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Prompts;
using FluxAspire.Api.Pipeline.Workflows;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Readiness;

/// <summary>
/// Once ComfyUI answers: reads its catalog (samplers, schedulers, checkpoints), then runs the recipe's FLUX graph at a
/// small step count through the normal job pipeline, so the model is loaded before /ready reports ready. Retries until
/// both succeed. Afterwards it watches ComfyUI: once it stops answering (a crash or restart loses the loaded model),
/// the API is not ready again until warmup has run again.
/// </summary>
public sealed partial class WarmupService(
    ComfyClient client,
    ComfyCatalog catalog,
    WorkflowChoices workflowChoices,
    WorkflowLibrary workflows,
    JobService jobs,
    ReadinessState state,
    IOptions<WarmupOptions> options,
    TimeProvider time,
    ILogger<WarmupService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (!await TryWarmAsync(settings, stoppingToken))
                {
                    await Task.Delay(settings.RetryDelay, time, stoppingToken);
                }

                state.MarkWarm();
                LogWarm();
                await WaitUntilComfyStopsAnsweringAsync(settings, stoppingToken);
                state.MarkCold("ComfyUI stopped answering; warmup will run again");
                LogCold();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WaitUntilComfyStopsAnsweringAsync(WarmupOptions settings, CancellationToken stoppingToken)
    {
        while (true)
        {
            await Task.Delay(settings.RetryDelay, time, stoppingToken);
            try
            {
                await client.GetQueueRemainingAsync(stoppingToken);
            }
            catch (ComfyUnavailableException)
            {
                return;
            }
            catch (ComfyProtocolException)
            {
                // Answering, if oddly: not a restart.
            }
        }
    }

    private async Task<bool> TryWarmAsync(WarmupOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            await catalog.RefreshAsync(stoppingToken);
            await workflowChoices.LoadAsync(workflows.ChoiceSources, stoppingToken);
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException)
        {
            state.Waiting("warmup is waiting for ComfyUI");
            return false;
        }

        if (!settings.Enabled)
        {
            return true;
        }

        state.Waiting("warmup is running");
        // The recipe's own definition fills the graph, as POST /workflow/text2img would; ComfyUI's choices are not
        // checked here (its own validation answers for a bad checkpoint).
        var (errors, input) = WorkflowInputValidator.Validate(workflows.Recipe, new JsonObject
        {
            ["prompt"] = settings.Prompt,
            ["width"] = settings.Width,
            ["height"] = settings.Height,
            ["seed"] = settings.Seed,
            ["steps"] = settings.Steps,
            ["checkpoint"] = settings.Checkpoint,
        }, _ => null);
        if (input is null)
        {
            var reason = string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}"));
            state.Waiting($"warmup input is invalid: {reason}");
            LogWarmupInputInvalid(reason);
            return false;
        }

        var id = $"warmup-{Guid.NewGuid():N}";
        var graph = PromptGraph.WithIdPrefix(workflows.Recipe.Build(input), id);
        var job = await jobs.RunAsync(new JobRequest(id, graph, time.GetUtcNow(), TimeSpan.Zero) { RunHere = true }, stoppingToken);
        if (job.Failure is { } failure)
        {
            state.Waiting($"warmup failed ({failure.Kind}): {failure.Message}");
            LogWarmupFailed(failure.Kind, failure.Message);
            return false;
        }

        return true;
    }

    [LoggerMessage(LogLevel.Information, "Warmup done; the API is ready")]
    private partial void LogWarm();

    [LoggerMessage(LogLevel.Warning, "ComfyUI stopped answering; not ready until warmup has run again")]
    private partial void LogCold();

    [LoggerMessage(LogLevel.Warning, "Warmup failed ({Kind}): {Reason}; retrying")]
    private partial void LogWarmupFailed(JobFailureKind kind, string reason);

    [LoggerMessage(LogLevel.Warning, "Warmup input is invalid for the text2img definition ({Reason}); retrying")]
    private partial void LogWarmupInputInvalid(string reason);
}
