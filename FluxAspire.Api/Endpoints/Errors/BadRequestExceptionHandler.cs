using System.Text.Json;
using FluxAspire.Api.Pipeline.Problems;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FluxAspire.Api.Endpoints.Errors;

/// <summary>
/// Request bodies that cannot be read (malformed JSON, a string where a number belongs, no body) become 400 problem
/// details naming the field, never 500. Minimal APIs throw <see cref="BadHttpRequestException"/> for them because
/// RouteHandlerOptions.ThrowOnBadRequest is on.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string detail;
        if (bad.InnerException is JsonException json)
        {
            (var field, var message) = ApiProblems.DescribeJsonError(json);
            errors[field] = [message];
            detail = $"{field}: {message}";
        }
        else
        {
            detail = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType
                ? "Send the request body as JSON with Content-Type: application/json."
                : "The request body is required and must be JSON.";
            errors["body"] = [detail];
        }

        httpContext.Response.StatusCode = bad.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new HttpValidationProblemDetails(errors)
            {
                Status = bad.StatusCode,
                Title = "The request is not valid",
                Detail = detail,
            },
        });
    }
}
