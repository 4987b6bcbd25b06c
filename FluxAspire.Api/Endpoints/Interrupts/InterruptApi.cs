using FluxAspire.Api.Pipeline.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Endpoints.Interrupts;

public static class InterruptApi
{
    public static IEndpointRouteBuilder MapInterruptApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/interrupt", InterruptAsync)
            .WithTags("Prompts")
            .WithName("Interrupt")
            .WithSummary("Stop a queued or running job")
            .WithDescription("Stops the job with this request id, whether it still waits in the queue or runs on ComfyUI. " +
                "200 {id, interrupted: \"success\"} when it was stopped; 404 {id, interrupted: \"failed\"} when no such job " +
                "is queued or running. The job's own request then ends with 409 problem details of type " +
                ApiProblems.InterruptedProblemType + " (title \"Interrupted\"), and its webhook_v2 with prompt.failed.");
        return routes;
    }

    internal static async Task<Results<Ok<InterruptResponse>, NotFound<InterruptResponse>, ValidationProblem>> InterruptAsync(
        InterruptRequest request, JobInterrupter interrupter, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Id))
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["id"] = ["is required"] });
        }

        return await interrupter.InterruptAsync(request.Id, cancellationToken)
            ? TypedResults.Ok(new InterruptResponse(request.Id, "success"))
            : TypedResults.NotFound(new InterruptResponse(request.Id, "failed"));
    }
}
