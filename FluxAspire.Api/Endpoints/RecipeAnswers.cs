using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Webhooks;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Problems;
using FluxAspire.Api.Pipeline.Prompts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Endpoints;

/// <summary>
/// The recipe's answer to POST /prompt and POST /workflow/*, once for both: a parsed submission either runs and answers
/// 200 with the outputs, or (with a webhook or async upload) is queued and answers 202 at once.
/// </summary>
internal static class RecipeAnswers
{
    /// <param name="input">The body's "input" (a workflow's input with its defaults), or null (/prompt).</param>
    public static async Task<Results<PromptResult<TResponse>, Accepted<JsonObject>, ValidationProblem, ProblemHttpResult>> AnswerAsync<TResponse>(
        ParsedSubmission parsed, CacheDirective cache, JobRunner runner, Func<Submission, JsonObject?> input, CancellationToken cancellationToken)
        where TResponse : PromptResponse
    {
        if (parsed.Errors.Count > 0)
        {
            return ApiProblems.Validation(parsed.Errors);
        }

        if (parsed.Submission is not { } submission)
        {
            return ApiProblems.ComfyUnavailable(parsed.Unavailable!);
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

        return new PromptResult<TResponse>(new PromptResponseBody(outcome.Result!, outcome.UploadedUrls, input(submission)));
    }
}
