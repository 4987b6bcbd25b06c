using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FluxAspire.Api.Pipeline.Problems;

/// <summary>
/// Every error the API returns, as RFC 7807 problem details. Status codes:
/// 400 request validation (errors keyed by field path) or ComfyUI's validation (node_errors);
/// 409 duplicate request id; 500 a node failed or was interrupted while executing (as the recipe, which returns 500);
/// 502 ComfyUI answered outside the protocol or lost the prompt; 503 ComfyUI unreachable; 504 job deadline passed.
/// </summary>
public static class ApiProblems
{
    /// <summary>The status codes above, for endpoint descriptions in the OpenAPI document.</summary>
    public const string StatusCodesDescription =
        "Errors are problem details: 400 for a bad request (errors keyed by field, e.g. input.width) or a graph ComfyUI " +
        "refuses (node_errors); 409 for a reused id or a job stopped by POST /interrupt (type " + InterruptedProblemType + "); 500 when a node fails while executing (node_id, node_type, " +
        "exception_type, exception_message); 502 when ComfyUI answers outside its protocol; 503 when ComfyUI is " +
        "unreachable; 504 when the job deadline passes.";

    /// <summary>The problem type of a job stopped by POST /interrupt (status 409).</summary>
    public const string InterruptedProblemType = "urn:fluxaspire:problem:interrupted";

    public static ValidationProblem Validation(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            detail: string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")),
            title: "The request is not valid");

    public static ProblemHttpResult DuplicateId(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Duplicate request id",
            detail: $"A request with id '{id}' is already running or finished recently; use a new id.");

    public static ProblemHttpResult ComfyUnavailable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "ComfyUI is unavailable", detail: detail);

    /// <summary>A synchronous request lost Redis, which holds its job, and the job is not running on this replica.</summary>
    public static ProblemHttpResult JobStoreUnavailable(string jobId, string detail) =>
        Problem(StatusCodes.Status503ServiceUnavailable, "The job store is unavailable", detail, new Dictionary<string, object?> { ["id"] = jobId });

    public static ProblemHttpResult FromFailure(string jobId, JobFailure failure, bool includeTraceback)
    {
        var extensions = new Dictionary<string, object?> { ["id"] = jobId };
        switch (failure.Kind)
        {
            case JobFailureKind.Rejected:
                var error = failure.Details?["error"] as JsonObject;
                extensions["comfy_error"] = new JsonObject
                {
                    ["type"] = ComfyValues.AsString(error?["type"]),
                    ["message"] = ComfyValues.AsString(error?["message"]),
                    ["details"] = ComfyValues.AsString(error?["details"]),
                };
                extensions["node_errors"] = NodeErrors(failure.Details?["node_errors"] as JsonObject, includeTraceback);
                var message = ComfyValues.AsString(error?["message"]) ?? "Prompt failed validation";
                var lines = NodeErrorLines(failure.Details?["node_errors"] as JsonObject).ToList();
                if (lines.Count == 0 && ComfyValues.AsString(error?["details"]) is { Length: > 0 } details)
                {
                    lines.Add(details);
                }

                return Problem(StatusCodes.Status400BadRequest, "ComfyUI rejected the prompt",
                    lines.Count > 0 ? $"{message}: {string.Join("; ", lines)}" : message, extensions);

            case JobFailureKind.ExecutionFailed:
                var data = failure.Details ?? [];
                extensions["node_id"] = ComfyValues.AsString(data["node_id"]);
                extensions["node_type"] = ComfyValues.AsString(data["node_type"]);
                extensions["exception_type"] = ComfyValues.AsString(data["exception_type"]);
                extensions["exception_message"] = ComfyValues.AsString(data["exception_message"])?.TrimEnd();
                if (includeTraceback)
                {
                    extensions["traceback"] = data["traceback"]?.DeepClone();
                }

                return Problem(StatusCodes.Status500InternalServerError, "ComfyUI failed to execute the prompt", failure.Message, extensions);

            case JobFailureKind.Interrupted:
                extensions["node_id"] = ComfyValues.AsString(failure.Details?["node_id"]);
                extensions["node_type"] = ComfyValues.AsString(failure.Details?["node_type"]);
                return Problem(StatusCodes.Status500InternalServerError, "ComfyUI interrupted the prompt", failure.Message, extensions);

            case JobFailureKind.Unavailable:
                return Problem(StatusCodes.Status503ServiceUnavailable, "ComfyUI is unavailable", failure.Message, extensions);

            case JobFailureKind.DeadlineExceeded:
                return Problem(StatusCodes.Status504GatewayTimeout, "The job deadline passed", failure.Message, extensions);

            case JobFailureKind.InterruptRequested:
                extensions["interrupted"] = true;
                extensions["while"] = ComfyValues.AsString(failure.Details?["while"]);
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Interrupted", detail: failure.Message,
                    type: InterruptedProblemType, extensions: extensions);

            case JobFailureKind.Cancelled:
                return Problem(StatusCodes.Status409Conflict, "The job was cancelled", failure.Message, extensions);

            default:
                return Problem(StatusCodes.Status502BadGateway, "ComfyUI answered unexpectedly", failure.Message, extensions);
        }
    }

    /// <summary>ComfyUI's node_errors, trimmed to what a caller can act on: per node its class, inputs and messages.</summary>
    internal static JsonObject NodeErrors(JsonObject? nodeErrors, bool includeTraceback)
    {
        var result = new JsonObject();
        foreach (var (nodeId, node) in nodeErrors ?? [])
        {
            var errors = new JsonArray();
            foreach (var error in (node?["errors"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var extra = error["extra_info"] as JsonObject;
                var item = new JsonObject
                {
                    ["type"] = ComfyValues.AsString(error["type"]),
                    ["message"] = ComfyValues.AsString(error["message"]),
                    ["details"] = ComfyValues.AsString(error["details"]),
                    ["input_name"] = ComfyValues.AsString(extra?["input_name"]),
                };
                if (extra?["received_value"] is { } received)
                {
                    item["received_value"] = received.DeepClone();
                }

                if (includeTraceback && extra?["traceback"] is { } traceback)
                {
                    item["traceback"] = traceback.DeepClone();
                }

                errors.Add(item);
            }

            result[nodeId] = new JsonObject
            {
                ["class_type"] = ComfyValues.AsString(node?["class_type"]),
                ["errors"] = errors,
                ["dependent_outputs"] = node?["dependent_outputs"]?.DeepClone() ?? new JsonArray(),
            };
        }

        return result;
    }

    private static IEnumerable<string> NodeErrorLines(JsonObject? nodeErrors)
    {
        foreach (var (nodeId, node) in nodeErrors ?? [])
        {
            foreach (var error in (node?["errors"] as JsonArray ?? []).OfType<JsonObject>())
            {
                yield return $"node {nodeId} ({ComfyValues.AsString(node?["class_type"])}): {ComfyValues.AsString(error["message"])}: {ComfyValues.AsString(error["details"])}";
            }
        }
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, Dictionary<string, object?> extensions) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);

    /// <summary>The field a typed body's <see cref="JsonException"/> points at and a message for it.</summary>
    public static (string Field, string Message) DescribeJsonError(JsonException json)
    {
        var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
        if (json is InvalidJsonValueException invalid)
        {
            var inner = invalid.RelativeField;
            var full = field == "body" ? inner : inner.Length == 0 ? field : inner.StartsWith('[') ? field + inner : $"{field}.{inner}";
            return (full.Length == 0 ? "body" : full, invalid.Problem);
        }

        if (json.Message.Contains("uplicate", StringComparison.Ordinal) && field != "body")
        {
            return (field, "is given more than once"); // JsonSerializerOptions.AllowDuplicateProperties is off
        }

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
