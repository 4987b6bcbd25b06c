using System.Text.Json.Nodes;
using FluxAspire.Api.Backpressure;
using FluxAspire.Api.Caching;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Pipeline;
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
        PromptRequest request, HttpContext http, SubmissionParser parser, JobRunner runner, TimeProvider time, CancellationToken cancellationToken)
    {
        var cache = CacheDirective.Of(http);
        var parsed = await parser.ParsePromptAsync(request, Arrival.Now(time, cache), cancellationToken);
        if (parsed.Submission is not { } submission)
        {
            return ApiProblems.Validation(parsed.Errors);
        }

        if (submission.Delivery.AnswersAtOnce)
        {
            var submitted = await runner.SubmitAsync(submission, cancellationToken);
            return submitted.Problem is { } refused ? refused
                : TypedResults.Accepted((string?)null, WebhookBodies.Accepted(submission.Echo, submission.Id, submission.Graph));
        }

        var outcome = await runner.RunAsync(submission, cancellationToken);
        cache.Hit = outcome.FromCache;
        if (outcome.Problem is { } problem)
        {
            return problem;
        }

        var response = PromptResponse.From(outcome.Result!);
        return TypedResults.Ok(outcome.UploadedUrls is { } urls ? response with { Images = urls } : response);
    }
}
