using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Endpoints.Errors;

/// <summary>Reads a request body that an endpoint takes as a free-form JSON object (POST /jobs, POST /download)
/// through the API's JSON options, so a duplicate key or text that is not Unicode is a 400 naming the field.</summary>
internal static class RequestJson
{
    /// <summary>The body as an object, or the 400 to answer: naming the field at fault, or saying what
    /// <paramref name="expected"/> when the body is not a JSON object at all.</summary>
    public static async Task<(JsonObject? Body, ValidationProblem? Problem)> ReadObjectAsync(
        HttpRequest request, JsonSerializerOptions options, string expected, CancellationToken cancellationToken)
    {
        try
        {
            if (await JsonSerializer.DeserializeAsync<JsonObject>(request.Body, options, cancellationToken) is { } body)
            {
                return (body, null);
            }
        }
        catch (InvalidJsonValueException invalid)
        {
            var (field, message) = ApiProblems.DescribeJsonError(invalid);
            return (null, Refuse(field, message));
        }
        catch (JsonException)
        {
        }

        return (null, Refuse("body", expected));
    }

    private static ValidationProblem Refuse(string field, string message) =>
        ApiProblems.Validation(new Dictionary<string, string[]> { [field] = [message] });
}
