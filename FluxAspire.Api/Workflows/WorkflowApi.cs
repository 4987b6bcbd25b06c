using System.Text.Json.Nodes;
using FluxAspire.Api.Backpressure;
using FluxAspire.Api.Caching;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Prompts;
using FluxAspire.Api.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Workflows;

/// <summary>POST /workflow/{route} for every definition in the <see cref="WorkflowLibrary"/> (text2img and img2img
/// built in).</summary>
public static class WorkflowApi
{
    public static IEndpointRouteBuilder MapWorkflowApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/workflow").WithTags("Workflows");
        foreach (var definition in routes.ServiceProvider.GetRequiredService<WorkflowLibrary>().Definitions)
        {
            group.MapPost("/" + definition.Route, (JsonObject body, HttpContext http, SubmissionParser parser, JobRunner runner, TimeProvider time, CancellationToken cancellationToken) =>
                    RunAsync(definition, body, http, parser, runner, time, cancellationToken))
                .WithName(definition.SchemaName)
                .WithSummary(definition.Summary)
                .WithDescription(definition.Description + " " + ApiProblems.StatusCodesDescription)
                .WithMetadata(definition)
                .ProducesJobProblems()
                .WithResultCache()
                .WithBackpressure();
        }

        return routes;
    }

    internal static async Task<Results<Ok<WorkflowResponse>, Accepted<JsonObject>, ValidationProblem, ProblemHttpResult>> RunAsync(
        WorkflowDefinition definition, JsonObject body, HttpContext http, SubmissionParser parser, JobRunner runner, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var cache = CacheDirective.Of(http);
        var parsed = await parser.ParseWorkflowAsync(definition, body, Arrival.Now(time, cache), cancellationToken);
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

        var response = PromptResponse.From(outcome.Result!);
        return TypedResults.Ok(WithInput(outcome.UploadedUrls is { } urls ? response with { Images = urls } : response, submission.WorkflowInput!));
    }

    private static WorkflowResponse WithInput(PromptResponse response, JsonObject input) => new()
    {
        Id = response.Id,
        Prompt = response.Prompt,
        Images = response.Images,
        Filenames = response.Filenames,
        Stats = response.Stats,
        Input = input,
    };
}
