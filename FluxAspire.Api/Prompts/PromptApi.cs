using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxAspire.Api.Backpressure;
using FluxAspire.Api.Caching;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Jobs;
using FluxAspire.Api.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Prompts;

public static class PromptApi
{
    public static IEndpointRouteBuilder MapPromptApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/").WithTags("Prompts");
        group.MapPost("/prompt", RunPromptAsync)
            .WithName("RunPrompt")
            .WithSummary("Run a ComfyUI graph")
            .WithDescription("Queues any ComfyUI API-format graph, waits for it, and returns its output files as base64. " +
                "Every node's string filename_prefix is prefixed with the request id. " +
                ApiProblems.StatusCodesDescription)
            .ProducesJobProblems()
            .WithResultCache()
            .WithBackpressure();
        return routes;
    }

    internal static async Task<Results<Ok<PromptResponse>, Accepted<JsonObject>, ValidationProblem, ProblemHttpResult>> RunPromptAsync(
        PromptRequest request, SyncJobRunner runner, ResultDelivery delivery, TimeProvider time, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var preprocess = Stopwatch.StartNew();
        var (job, errors) = await PrepareAsync(request, delivery, receivedAt, preprocess, cancellationToken);
        if (job is null)
        {
            return ApiProblems.Validation(errors);
        }

        var (accepted, response, problem) = await delivery.RunOrAcceptAsync(job, WebhookBodies.Echo(request), runner, cancellationToken);
        return problem is not null ? problem
            : accepted is not null ? TypedResults.Accepted((string?)null, accepted)
            : TypedResults.Ok(response!);
    }

    /// <summary>Checks a /prompt body (graph and envelope) and builds its job; null with the errors when it is not valid.
    /// POST /jobs builds its {prompt} jobs here too.</summary>
    internal static async Task<(JobRequest? Job, Dictionary<string, string[]> Errors)> PrepareAsync(
        PromptRequest request, ResultDelivery delivery, DateTimeOffset receivedAt, Stopwatch preprocess, CancellationToken cancellationToken)
    {
        var errors = PromptGraph.Validate(request.Prompt);
        var id = SyncJobRunner.ResolveId(request.Id, errors);
        await delivery.ValidateAsync(request.Delivery(), errors, cancellationToken);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var graph = PromptGraph.WithIdPrefix(request.Prompt!, id!);
        return (new JobRequest(id!, graph, receivedAt, preprocess.Elapsed) { Delivery = request.Delivery() }, errors);
    }
}
