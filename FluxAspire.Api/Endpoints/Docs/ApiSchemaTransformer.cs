using System.Text.Json.Nodes;
using FluxAspire.Api.Endpoints.Readiness;
using FluxAspire.Api.Endpoints.Workflows;
using FluxAspire.Api.Pipeline.Prompts;
using FluxAspire.Api.Pipeline.Workflows;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FluxAspire.Api.Endpoints.Docs;

/// <summary>Adds what the C# types cannot say: required fields, and request and response examples. Workflow endpoints
/// get theirs from their definitions (<see cref="WorkflowOpenApiTransformer"/>).</summary>
internal sealed class ApiSchemaTransformer(WorkflowLibrary workflows) : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(PromptRequest))
        {
            schema.Required = new HashSet<string> { "prompt" };
            schema.Examples = [new JsonObject
            {
                ["id"] = "my-request-0001",
                ["prompt"] = RecipeGraphExample(),
            }];
        }
        else if (type == typeof(PromptResponse))
        {
            schema.Examples = [ResponseExample()];
        }
        else if (type == typeof(ReadinessReport))
        {
            schema.Examples = [new JsonObject { ["status"] = "not ready", ["reasons"] = new JsonArray("websocket disconnected"), ["degraded"] = new JsonArray() }];
        }

        return Task.CompletedTask;
    }

    /// <summary>The recipe's graph filled from its definition's own example input (seed 42 when the example has none).</summary>
    private JsonNode RecipeGraphExample()
    {
        var recipe = workflows.Recipe;
        var (_, filled) = WorkflowInputValidator.Validate(recipe, recipe.Example?.DeepClone() ?? new JsonObject(), _ => null, () => 42);
        // Re-parsed: the OpenAPI writer cannot write the ulong seed a built graph may hold.
        return JsonNode.Parse(filled is null ? recipe.Graph.ToJsonString() : recipe.Build(filled).ToJsonString())!;
    }

    private static JsonObject ResponseExample() => new()
    {
        ["id"] = "my-request-0001",
        ["prompt"] = JsonNode.Parse("""{"9": {"inputs": {"filename_prefix": "my-request-0001_ComfyUI", "images": ["8", 0]}, "class_type": "SaveImage"}}"""),
        ["images"] = new JsonArray("iVBORw0KGgoAAAANSUhEUgAABAAAAAQACAIAAADwf7zU..."),
        ["filenames"] = new JsonArray("my-request-0001_ComfyUI_00001_.png"),
        ["stats"] = JsonNode.Parse("""
            {"comfy_execution": {"start": 1795661968576, "end": 1795661971792, "duration": 3216,
              "nodes": {"31": {"start": 1795661968580}, "8": {"start": 1795661971500}, "9": {"start": 1795661971700}}},
             "preprocess_time": 0.8, "comfy_round_trip_time": 3290.5, "postprocess_time": 0.01, "upload_time": 0, "total_time": 3292.1}
            """),
    };
}
