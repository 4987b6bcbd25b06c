using System.Diagnostics;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Jobs;
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
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return routes;
    }

    internal static async Task<Results<Ok<PromptResponse>, ValidationProblem, ProblemHttpResult>> RunPromptAsync(
        PromptRequest request, SyncJobRunner runner, TimeProvider time, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var preprocess = Stopwatch.StartNew();
        var errors = PromptGraph.Validate(request.Prompt);
        var id = SyncJobRunner.ResolveId(request.Id, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var graph = PromptGraph.WithIdPrefix(request.Prompt!, id!);
        var outcome = await runner.RunAsync(new JobRequest(id!, graph, receivedAt, preprocess.Elapsed), cancellationToken);
        if (outcome.Problem is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(PromptResponse.From(outcome.Result!));
    }
}
