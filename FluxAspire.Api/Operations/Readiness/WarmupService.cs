using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Prompts;
using FluxAspire.Api.Pipeline.Workflows;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Operations.Readiness;

/// <summary>
/// For each ComfyUI backend, once it answers: reads the catalog (samplers, schedulers, checkpoints; from the first
/// backend), then runs the recipe's FLUX graph at a small step count through the normal job pipeline, pinned to that
/// backend, so its model is loaded before it takes jobs and /ready counts it. Retries until both succeed. Afterwards it
/// watches the backend: once it stops answering (a crash or restart loses the loaded model), the backend is cold again
/// until warmup has run again.
/// </summary>
public sealed partial class WarmupService(
    ComfyBackends backends,
    ComfyCatalog catalog,
    WorkflowChoices workflowChoices,
    WorkflowLibrary workflows,
    JobService jobs,
    IOptions<WarmupOptions> options,
    TimeProvider time,
    ILogger<WarmupService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(backends.All.Select(backend => KeepWarmAsync(backend, stoppingToken)));

    private async Task KeepWarmAsync(ComfyBackend backend, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var named = backends.All.Count > 1 ? $"ComfyUI {backend.Name}" : "ComfyUI";
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (!await TryWarmAsync(backend, named, settings, stoppingToken))
                {
                    await Task.Delay(settings.RetryDelay, time, stoppingToken);
                }

                backend.MarkWarm();
                LogWarm(backend.Name);
                await WaitUntilComfyStopsAnsweringAsync(backend, settings, stoppingToken);
                backend.MarkCold($"{named} stopped answering; warmup will run again");
                LogCold(backend.Name);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WaitUntilComfyStopsAnsweringAsync(ComfyBackend backend, WarmupOptions settings, CancellationToken stoppingToken)
    {
        while (true)
        {
            await Task.Delay(settings.RetryDelay, time, stoppingToken);
            try
            {
                await backend.Client.GetQueueRemainingAsync(stoppingToken);
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

    private async Task<bool> TryWarmAsync(ComfyBackend backend, string named, WarmupOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            if (backend == backends.Primary)
            {
                await catalog.RefreshAsync(stoppingToken);
                await workflowChoices.LoadAsync(workflows.ChoiceSources, stoppingToken);
            }
            else
            {
                await backend.Client.GetQueueRemainingAsync(stoppingToken);
            }
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException)
        {
            backend.Waiting($"warmup is waiting for {named}");
            return false;
        }

        if (!settings.Enabled)
        {
            return true;
        }

        backend.Waiting(backends.All.Count > 1 ? $"warmup is running on {named}" : "warmup is running");
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
            backend.Waiting($"warmup input is invalid: {reason}");
            LogWarmupInputInvalid(reason);
            return false;
        }

        var id = $"warmup-{Guid.NewGuid():N}";
        var graph = PromptGraph.WithIdPrefix(workflows.Recipe.Build(input), id);
        var job = await jobs.RunAsync(new JobRequest(id, graph, time.GetUtcNow(), TimeSpan.Zero) { RunHere = true, Backend = backend.Name }, stoppingToken);
        if (job.Failure is { } failure)
        {
            backend.Waiting(backends.All.Count > 1 ? $"warmup failed on {named} ({failure.Kind}): {failure.Message}" : $"warmup failed ({failure.Kind}): {failure.Message}");
            LogWarmupFailed(backend.Name, failure.Kind, failure.Message);
            return false;
        }

        return true;
    }

    [LoggerMessage(LogLevel.Information, "Warmup done on ComfyUI backend {Backend}; it takes jobs")]
    private partial void LogWarm(string backend);

    [LoggerMessage(LogLevel.Warning, "ComfyUI backend {Backend} stopped answering; it takes no jobs until warmup has run again")]
    private partial void LogCold(string backend);

    [LoggerMessage(LogLevel.Warning, "Warmup failed on ComfyUI backend {Backend} ({Kind}): {Reason}; retrying")]
    private partial void LogWarmupFailed(string backend, JobFailureKind kind, string reason);

    [LoggerMessage(LogLevel.Warning, "Warmup input is invalid for the text2img definition ({Reason}); retrying")]
    private partial void LogWarmupInputInvalid(string reason);
}
