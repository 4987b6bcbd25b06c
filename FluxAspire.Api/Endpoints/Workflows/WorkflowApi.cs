using System.Text.Json.Nodes;
using FluxAspire.Api.Endpoints.Errors;
using FluxAspire.Api.Operations.Backpressure;
using FluxAspire.Api.Pipeline;
using FluxAspire.Api.Pipeline.Caching;
using FluxAspire.Api.Pipeline.Problems;
using FluxAspire.Api.Pipeline.Prompts;
using FluxAspire.Api.Pipeline.Workflows;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Endpoints.Workflows;

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

    internal static async Task<Results<PromptResult<WorkflowResponse>, Accepted<JsonObject>, ValidationProblem, ProblemHttpResult>> RunAsync(
        WorkflowDefinition definition, JsonObject body, HttpContext http, SubmissionParser parser, JobRunner runner, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var cache = CacheDirective.Of(http);
        var parsed = await parser.ParseWorkflowAsync(definition, body, Arrival.Now(time, cache), cancellationToken);
        return await RecipeAnswers.AnswerAsync<WorkflowResponse>(parsed, cache, runner, submission => submission.WorkflowInput!, cancellationToken);
    }
}
