using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FluxAspire.Api.Errors;

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
            (var field, var message) = Describe(json);
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

    /// <summary>The field a typed body's <see cref="JsonException"/> points at and a message for it.</summary>
    internal static (string Field, string Message) Describe(JsonException json)
    {
        var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
        if (!json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) || field == "body")
        {
            return ("body", $"is not valid JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})");
        }

        // Only the envelope fields every endpoint shares: a workflow's input fields are read from its definition and
        // named by the workflow layer's own validation, never bound to a typed body.
        return (field, field switch
        {
            "input" => "must be an object",
            "prompt" => "must be an object of node id → {class_type, inputs}",
            "id" => "must be a string",
            "convert_output" => "must be an object {format, options}",
            _ => "has the wrong type",
        });
    }
}
