using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Jobs;
using FluxAspire.Api.Pipeline.Problems;

namespace FluxAspire.Tests.Api;

public class ApiProblemsTests
{
    [Fact]
    public void ComfyUI_validation_errors_become_400_with_node_errors()
    {
        var body = Captures.Body("http:validate:below_min")!.AsObject();

        var problem = ApiProblems.FromFailure("job-1", new JobFailure(JobFailureKind.Rejected, "rejected", body), includeTraceback: false);

        Assert.Equal(400, problem.StatusCode);
        Assert.Equal("ComfyUI rejected the prompt", problem.ProblemDetails.Title);
        Assert.Equal("Prompt outputs failed validation: node 31 (KSampler): Value 0 smaller than min of 1: steps", problem.ProblemDetails.Detail);
        var nodeErrors = (JsonObject)problem.ProblemDetails.Extensions["node_errors"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"31": {"class_type": "KSampler", "errors": [{"type": "value_smaller_than_min", "message": "Value 0 smaller than min of 1",
             "details": "steps", "input_name": "steps", "received_value": 0}], "dependent_outputs": ["9"]}}
            """), nodeErrors), nodeErrors.ToJsonString());
    }

    [Fact]
    public void Tracebacks_in_node_errors_are_dropped_unless_asked_for()
    {
        var body = Captures.Body("http:validate:link_missing_node_output")!.AsObject();

        var without = ApiProblems.NodeErrors(body["node_errors"]!.AsObject(), includeTraceback: false);
        var with = ApiProblems.NodeErrors(body["node_errors"]!.AsObject(), includeTraceback: true);

        Assert.DoesNotContain("traceback", without.ToJsonString());
        Assert.Contains("traceback", with.ToJsonString());
        Assert.Equal("exception_during_validation", (string?)without["9"]!["errors"]![0]!["type"]);
    }

    [Fact]
    public void Execution_errors_become_500_with_node_type_and_message_but_no_traceback()
    {
        var error = Captures.Body("http:history_runtime_error")!["066bf037-f19b-47e1-b499-8ed2c8ca1305"]!["status"]!["messages"]![2]![1]!.AsObject();

        var problem = ApiProblems.FromFailure("job-2", new JobFailure(JobFailureKind.ExecutionFailed, "failed", error), includeTraceback: false);

        Assert.Equal(500, problem.StatusCode);
        var extensions = problem.ProblemDetails.Extensions;
        Assert.Equal("1", extensions["node_id"]);
        Assert.Equal("LoadImage", extensions["node_type"]);
        Assert.Equal("PIL.UnidentifiedImageError", extensions["exception_type"]);
        Assert.Equal("cannot identify image file '<work>/input/bad.png'", extensions["exception_message"]);
        Assert.False(extensions.ContainsKey("traceback"));
        Assert.Equal("job-2", extensions["id"]);

        var withTraceback = ApiProblems.FromFailure("job-2", new JobFailure(JobFailureKind.ExecutionFailed, "failed", error), includeTraceback: true);
        Assert.True(withTraceback.ProblemDetails.Extensions.ContainsKey("traceback"));
    }

    [Theory]
    [InlineData(JobFailureKind.Unavailable, 503)]
    [InlineData(JobFailureKind.DeadlineExceeded, 504)]
    [InlineData(JobFailureKind.BadGateway, 502)]
    [InlineData(JobFailureKind.Interrupted, 500)]
    public void Other_failures_map_to_their_status(JobFailureKind kind, int status) =>
        Assert.Equal(status, ApiProblems.FromFailure("j", new JobFailure(kind, "m"), false).StatusCode);

    [Fact]
    public void Validation_problems_name_every_field_in_errors_and_detail()
    {
        var result = ApiProblems.Validation(new Dictionary<string, string[]> { ["input.width"] = ["must be between 256 and 2048"], ["input.steps"] = ["must be between 1 and 100"] });

        Assert.Equal(400, result.StatusCode);
        Assert.Equal("input.width: must be between 256 and 2048; input.steps: must be between 1 and 100", result.ProblemDetails.Detail);
        Assert.Equal(["must be between 256 and 2048"], result.ProblemDetails.Errors["input.width"]);
    }

    /// <summary>A typed body as the API binds one (the envelope fields every endpoint shares); a workflow's input fields
    /// are named by the workflow's own definition (Text2ImgDefinitionTests), not here.</summary>
    private sealed record TypedEnvelope(
        [property: System.Text.Json.Serialization.JsonPropertyName("input")] JsonObject? Input,
        [property: System.Text.Json.Serialization.JsonPropertyName("prompt")] JsonObject? Prompt,
        [property: System.Text.Json.Serialization.JsonPropertyName("id")] string? Id,
        [property: System.Text.Json.Serialization.JsonPropertyName("convert_output")] JsonObject? ConvertOutput,
        [property: System.Text.Json.Serialization.JsonPropertyName("count")] int? Count);

    [Theory]
    [InlineData("""{"input": "text"}""", "input", "must be an object")]
    [InlineData("""{"prompt": 5}""", "prompt", "must be an object of node id → {class_type, inputs}")]
    [InlineData("""{"id": {}}""", "id", "must be a string")]
    [InlineData("""{"convert_output": "jpeg"}""", "convert_output", "must be an object {format, options}")]
    [InlineData("""{"count": "many"}""", "count", "has the wrong type")]
    [InlineData("""{"input": {"prompt": """, "body", "is not valid JSON (line 1, byte 22)")]
    public void Unreadable_bodies_name_the_field(string json, string field, string message)
    {
        var exception = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<TypedEnvelope>(json, JsonSerializerOptions.Web));

        Assert.Equal((field, message), ApiProblems.DescribeJsonError(exception));
    }
}
