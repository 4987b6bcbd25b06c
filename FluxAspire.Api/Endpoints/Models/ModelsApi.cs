using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Endpoints.Models;

public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModelsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/").WithTags("Model files")
            .MapGet("/models", ListModelsAsync)
            .WithName("ListModels")
            .WithSummary("List models")
            .WithDescription("Model files by type (checkpoints, loras, vae, …), read live from ComfyUI on every call.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    internal static async Task<Results<Ok<Dictionary<string, IReadOnlyList<string>>>, ProblemHttpResult>> ListModelsAsync(
        ComfyClient client, CancellationToken cancellationToken)
    {
        try
        {
            var folders = await client.GetModelFoldersAsync(cancellationToken);
            var lists = await Task.WhenAll(folders.Select(f => client.GetModelsAsync(f, cancellationToken)));
            return TypedResults.Ok(folders.Zip(lists).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal));
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException)
        {
            return ApiProblems.ComfyUnavailable(ex.Message);
        }
    }
}
