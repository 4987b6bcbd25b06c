using System.Text.Json.Nodes;
using FluxAspire.Api.Endpoints.Errors;
using FluxAspire.Api.Operations.Backpressure;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Problems;
using FluxAspire.Api.Pipeline.Prompts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Endpoints.Prompts;

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

    internal static async Task<Results<PromptResult<PromptResponse>, Accepted<JsonObject>, ValidationProblem, ProblemHttpResult>> RunPromptAsync(
        PromptRequest request, HttpContext http, SubmissionParser parser, JobRunner runner, TimeProvider time, CancellationToken cancellationToken)
    {
        var cache = CacheDirective.Of(http);
        var parsed = await parser.ParsePromptAsync(request, Arrival.Now(time, cache), cancellationToken);
        return await RecipeAnswers.AnswerAsync<PromptResponse>(parsed, cache, runner, _ => null, cancellationToken);
    }
}
