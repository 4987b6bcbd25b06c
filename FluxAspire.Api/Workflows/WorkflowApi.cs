using System.Diagnostics;
using FluxAspire.Api.Comfy;
using FluxAspire.Api.Errors;
using FluxAspire.Api.Jobs;
using FluxAspire.Api.Prompts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Workflows;

public static class WorkflowApi
{
    public static IEndpointRouteBuilder MapWorkflowApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/workflow").WithTags("Workflows");
        group.MapPost("/text2img", Text2ImgAsync)
            .WithName("Text2Img")
            .WithSummary("Text to Image")
            .WithDescription("Generate an image from a text prompt with FLUX.1-dev (the recipe's graph). Only input.prompt " +
                "is required; the response echoes the input with every default filled in. " +
                ApiProblems.StatusCodesDescription)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        return routes;
    }

    internal static async Task<Results<Ok<Text2ImgResponse>, ValidationProblem, ProblemHttpResult>> Text2ImgAsync(
        Text2ImgRequest request, SyncJobRunner runner, ComfyCatalog catalog, TimeProvider time, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var preprocess = Stopwatch.StartNew();
        // Field ranges are checked even while ComfyUI is down; the choices need its lists.
        ComfyCatalog.Snapshot? lists = null;
        string? catalogProblem = null;
        try
        {
            lists = await catalog.GetAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException)
        {
            catalogProblem = "Could not read ComfyUI's samplers, schedulers and checkpoints: " + ex.Message;
        }

        var errors = Text2ImgValidator.Validate(request.Input, lists);
        if (lists is not null && errors.Keys.Any(Text2ImgValidator.IsChoiceField) && await catalog.TryRefreshAsync(cancellationToken) is { } fresh)
        {
            // A checkpoint copied in since the lists were read should not be refused.
            errors = Text2ImgValidator.Validate(request.Input, fresh);
        }

        var id = SyncJobRunner.ResolveId(request.Id, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Validation(errors);
        }

        if (catalogProblem is not null)
        {
            return ApiProblems.ComfyUnavailable(catalogProblem);
        }

        var input = Text2ImgFields.WithDefaults(request.Input!, Text2ImgFields.RandomSeed);
        var graph = PromptGraph.WithIdPrefix(FluxGraph.Build(input), id!);
        var outcome = await runner.RunAsync(new JobRequest(id!, graph, receivedAt, preprocess.Elapsed), cancellationToken);
        if (outcome.Problem is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(WithInput(PromptResponse.From(outcome.Result!), input));
    }

    private static Text2ImgResponse WithInput(PromptResponse response, Text2ImgInput input) => new()
    {
        Id = response.Id,
        Prompt = response.Prompt,
        Images = response.Images,
        Filenames = response.Filenames,
        Stats = response.Stats,
        Input = input,
    };
}
