using Microsoft.AspNetCore.Diagnostics;

namespace FluxAspire.Api.Pipeline.Inputs;

/// <summary>A refused image input is the client's mistake: 400 problem details naming the node and input.</summary>
internal sealed class ImageInputExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not ImageInputException refused)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new HttpValidationProblemDetails(refused.Errors.ToDictionary())
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request is not valid",
                Detail = refused.Message,
            },
        });
    }
}
