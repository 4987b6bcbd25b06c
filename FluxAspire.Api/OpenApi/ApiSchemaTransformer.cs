using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Comfy;
using FluxAspire.Api.Prompts;
using FluxAspire.Api.Readiness;
using FluxAspire.Api.Workflows;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FluxAspire.Api.OpenApi;

/// <summary>Adds what the C# types cannot say: text2img ranges, defaults and choices (ComfyUI's own lists, once read),
/// required fields, and request and response examples.</summary>
internal sealed class ApiSchemaTransformer(ComfyCatalog catalog) : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // Also called where the type is a property (Text2ImgRequest.input): that is where its component schema is made.
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(Text2ImgInput))
        {
            DescribeText2ImgInput(schema);
        }
        else if (type == typeof(Text2ImgRequest))
        {
            schema.Required = new HashSet<string> { "input" };
            schema.Examples = [new JsonObject { ["input"] = new JsonObject { ["prompt"] = "A beautiful sunset over the ocean" } }];
        }
        else if (type == typeof(PromptRequest))
        {
            schema.Required = new HashSet<string> { "prompt" };
            schema.Examples = [new JsonObject
            {
                ["id"] = "my-request-0001",
                // Re-parsed: the OpenAPI writer cannot write the ulong seed a built graph holds.
                ["prompt"] = JsonNode.Parse(FluxGraph.Build(Text2ImgFields.WithDefaults(new Text2ImgInput { Prompt = "A beautiful sunset over the ocean" }, () => 42)).ToJsonString()),
            }];
        }

        else if (type == typeof(Text2ImgResponse))
        {
            var example = ResponseExample();
            example["input"] = JsonNode.Parse(JsonSerializer.Serialize(
                Text2ImgFields.WithDefaults(new Text2ImgInput { Prompt = "A beautiful sunset over the ocean" }, () => 42)));
            schema.Examples = [example];
        }
        else if (type == typeof(PromptResponse))
        {
            schema.Examples = [ResponseExample()];
        }
        else if (type == typeof(ReadinessReport))
        {
            schema.Examples = [new JsonObject { ["status"] = "not ready", ["reasons"] = new JsonArray("websocket disconnected") }];
        }

        return Task.CompletedTask;
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

    private void DescribeText2ImgInput(OpenApiSchema schema)
    {
        schema.Required = new HashSet<string> { "prompt" };
        schema.Examples = [new JsonObject
        {
            ["prompt"] = "A beautiful sunset over the ocean",
            ["width"] = 1024,
            ["height"] = 1024,
            ["seed"] = 42,
            ["steps"] = 20,
        }];
        var lists = catalog.Current;
        Describe(schema, "prompt", "What to draw.", null, null, null);
        Describe(schema, "width", "Image width in pixels.", Text2ImgFields.MinSize, Text2ImgFields.MaxSize, Text2ImgFields.DefaultSize);
        Describe(schema, "height", "Image height in pixels.", Text2ImgFields.MinSize, Text2ImgFields.MaxSize, Text2ImgFields.DefaultSize);
        Describe(schema, "seed", "Sampler seed; random when left out.", 0m, Text2ImgFields.MaxSeed, null);
        Describe(schema, "steps", "Sampling steps.", Text2ImgFields.MinSteps, Text2ImgFields.MaxSteps, Text2ImgFields.DefaultSteps);
        Describe(schema, "cfg_scale", "Classifier-free guidance (FLUX uses 1).", 0, Text2ImgFields.MaxCfgScale, Text2ImgFields.DefaultCfgScale);
        Describe(schema, "sampler_name", "Sampler, one of ComfyUI's KSampler samplers.", null, null, Text2ImgFields.DefaultSampler, lists?.Samplers);
        Describe(schema, "scheduler", "Scheduler, one of ComfyUI's KSampler schedulers.", null, null, Text2ImgFields.DefaultScheduler, lists?.Schedulers);
        Describe(schema, "denoise", "Denoise strength.", 0, Text2ImgFields.MaxDenoise, Text2ImgFields.DefaultDenoise);
        Describe(schema, "guidance", "FLUX guidance strength (FluxGuidance node).", 0, Text2ImgFields.MaxGuidance, Text2ImgFields.DefaultGuidance);
        Describe(schema, "checkpoint", "Checkpoint file in ComfyUI's models/checkpoints.", null, null, Text2ImgFields.DefaultCheckpoint, lists?.Checkpoints);
    }

    private static void Describe(OpenApiSchema parent, string name, string description, object? min, object? max, object? @default, IReadOnlyList<string>? choices = null)
    {
        if (parent.Properties?.TryGetValue(name, out var property) != true || property is not OpenApiSchema schema)
        {
            return;
        }

        schema.Description = description;
        schema.Minimum = Number(min);
        schema.Maximum = Number(max);
        if (@default is not null)
        {
            schema.Default = JsonValue.Create(@default);
        }

        if (choices is { Count: > 0 })
        {
            schema.Enum = choices.Select(c => (JsonNode)JsonValue.Create(c)).ToList();
        }
    }

    private static string? Number(object? value) => value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
}
