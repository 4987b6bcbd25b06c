using FluxAspire.Api.Pipeline.Problems;

namespace FluxAspire.Api.Endpoints.Errors;

public static class JobProblemsMetadata
{
    /// <summary>The problems a synchronous job endpoint answers besides 400 (see <see cref="ApiProblems.StatusCodesDescription"/>):
    /// 409 id in use or interrupted, 500 node failed, 502 ComfyUI off-protocol, 503 ComfyUI down, 504 deadline.</summary>
    public static RouteHandlerBuilder ProducesJobProblems(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status500InternalServerError)
        .ProducesProblem(StatusCodes.Status502BadGateway)
        .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
        .ProducesProblem(StatusCodes.Status504GatewayTimeout);
}
