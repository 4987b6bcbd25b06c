using System.Diagnostics;
using System.Text.Json.Nodes;
using FluxAspire.Api.Backpressure;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Jobs;
using FluxAspire.Api.Outputs;
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
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .WithBackpressure();
        return routes;
    }

    internal static async Task<Results<Ok<PromptResponse>, Accepted<JsonObject>, ValidationProblem, ProblemHttpResult>> RunPromptAsync(
        PromptRequest request, SyncJobRunner runner, ResultDelivery delivery, TimeProvider time, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var preprocess = Stopwatch.StartNew();
        var errors = PromptGraph.Validate(request.Prompt);
        ConvertOutputOptions.Parse(request.Delivery().ConvertOutput, errors);
        Credentials.RequestCredentials.Parse(request.Credentials, errors);
        var id = SyncJobRunner.ResolveId(request.Id, errors);
        await delivery.ValidateAsync(request.Delivery(), errors, cancellationToken);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        var graph = PromptGraph.WithIdPrefix(request.Prompt!, id!);
        var job = new JobRequest(id!, graph, receivedAt, preprocess.Elapsed) { Delivery = request.Delivery() };
        if (ResultDelivery.RunsInBackground(job.Delivery))
        {
            var (accepted, refused) = await delivery.AcceptAsync(job, WebhookBodies.Echo(request));
            return refused is not null ? refused : TypedResults.Accepted((string?)null, accepted);
        }

        var outcome = await runner.RunAsync(job, cancellationToken);
        if (outcome.Problem is { } problem)
        {
            return problem;
        }

        var uploaded = await delivery.UploadIfAskedAsync(job, outcome.Result!, cancellationToken);
        if (uploaded.Problem is { } uploadProblem)
        {
            return uploadProblem;
        }

        return TypedResults.Ok(ResultDelivery.WithUploads(PromptResponse.From(uploaded.Result), uploaded.Urls));
    }
}
