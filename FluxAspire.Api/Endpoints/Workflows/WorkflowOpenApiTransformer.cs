using System.Globalization;
using System.Text.Json.Nodes;
using FluxAspire.Api.Pipeline.Comfy;
using FluxAspire.Api.Pipeline.Workflows;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FluxAspire.Api.Endpoints.Workflows;

/// <summary>
/// Gives each workflow endpoint its own schemas, generated from its definition: {Name}Input (types, ranges, defaults,
/// enums — ComfyUI's own lists once read — descriptions, required fields, an example), {Name}Request (the envelope)
/// and {Name}Response (the /prompt response plus the filled input).
/// </summary>
internal sealed class WorkflowOpenApiTransformer(WorkflowLibrary library, WorkflowChoices choices) : IOpenApiDocumentTransformer
{
    private const string PromptResponseSchema = "PromptResponse";

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        try
        {
            await choices.LoadAsync(library.ChoiceSources, cancellationToken);
        }
        catch (Exception ex) when (ex is ComfyUnavailableException or ComfyProtocolException)
        {
            // Documented without enums while ComfyUI is away; the lists appear once it answers.
        }

        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.Remove(nameof(WorkflowResponse));
        foreach (var definition in library.Definitions)
        {
            if (document.Paths?.TryGetValue("/workflow/" + definition.Route, out var path) != true
                || path!.Operations?.TryGetValue(HttpMethod.Post, out var operation) != true || operation is null)
            {
                continue;
            }

            var name = definition.SchemaName;
            document.Components.Schemas[name + "Input"] = InputSchema(definition);
            document.Components.Schemas[name + "Request"] = RequestSchema(definition, document);
            document.Components.Schemas[name + "Response"] = ResponseSchema(definition, document);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchemaReference(name + "Request", document) },
                },
            };
            operation.Responses ??= new OpenApiResponses();
            operation.Responses["200"] = new OpenApiResponse
            {
                Description = "OK",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = new OpenApiSchemaReference(name + "Response", document) },
                },
            };
        }
    }

    private OpenApiSchema InputSchema(WorkflowDefinition definition)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = $"The input of /workflow/{definition.Route}. Numbers must be JSON numbers (\"1024\" is refused); a field not listed here is a 400.",
            Properties = new Dictionary<string, IOpenApiSchema>(),
            AdditionalPropertiesAllowed = false,
            Required = definition.Parameters.Where(p => p.Required).Select(p => p.Name).ToHashSet(),
        };
        foreach (var parameter in definition.Parameters)
        {
            schema.Properties[parameter.Name] = ParameterSchema(parameter);
        }

        if (definition.Example is { } example)
        {
            schema.Examples = [example.DeepClone()];
        }

        return schema;
    }

    private OpenApiSchema ParameterSchema(WorkflowParameter parameter)
    {
        var schema = new OpenApiSchema
        {
            Type = parameter.Type switch
            {
                WorkflowParameterType.Integer => JsonSchemaType.Integer,
                WorkflowParameterType.Number => JsonSchemaType.Number,
                WorkflowParameterType.Boolean => JsonSchemaType.Boolean,
                _ => JsonSchemaType.String,
            },
            Description = parameter.Description,
            Minimum = parameter.Min?.ToString("G29", CultureInfo.InvariantCulture),
            Maximum = parameter.Max?.ToString("G29", CultureInfo.InvariantCulture),
            Default = parameter.Default?.DeepClone(),
            MaxLength = parameter.Type == WorkflowParameterType.String ? parameter.MaxLength : null,
        };
        if (parameter.Type == WorkflowParameterType.Image && parameter.Description is null)
        {
            schema.Description = "base64 or http(s) URL";
        }

        var options = parameter.Choices ?? (parameter.ChoicesSource is { } source ? choices.Current(source) : null);
        if (options is { Count: > 0 })
        {
            schema.Enum = options.Select(o => (JsonNode)JsonValue.Create(o)).ToList();
        }

        return schema;
    }

    private static OpenApiSchema RequestSchema(WorkflowDefinition definition, OpenApiDocument document)
    {
        static OpenApiSchema Field(JsonSchemaType type, string description) => new() { Type = type, Description = description };
        var example = new JsonObject { ["input"] = definition.Example?.DeepClone() ?? new JsonObject() };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = $"The recipe's envelope for /workflow/{definition.Route}.",
            Required = new HashSet<string> { "input" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["input"] = new OpenApiSchemaReference(definition.SchemaName + "Input", document),
                ["credentials"] = new OpenApiSchema { Type = JsonSchemaType.Array, Description = "[{url_pattern (glob: * ? **), auth: {type: bearer|basic|header|query, …}}]: auth for URL downloads (image inputs, model URLs); the first matching pattern wins. Never echoed." },
                ["id"] = Field(JsonSchemaType.String, "Request id; a new UUID when left out."),
                ["webhook"] = Field(JsonSchemaType.String, "Legacy webhook URL: one unsigned output.complete POST per output file."),
                ["webhook_v2"] = Field(JsonSchemaType.String, "Webhook URL for one signed (Standard Webhooks) POST with the whole result."),
                ["convert_output"] = Field(JsonSchemaType.Object, "{format: jpeg|jpg|webp, options}: convert outputs before returning them."),
                ["http_upload"] = Field(JsonSchemaType.Object, "{url_prefix, async}: PUT each output to url_prefix/filename."),
            },
            Examples = [example],
        };
    }

    private static OpenApiSchema ResponseSchema(WorkflowDefinition definition, OpenApiDocument document)
    {
        var input = definition.Example?.DeepClone().AsObject() ?? new JsonObject();
        foreach (var parameter in definition.Parameters.Where(p => !input.ContainsKey(p.Name)))
        {
            input[parameter.Name] = parameter.RandomDefault ? 42 : parameter.Default?.DeepClone();
        }

        return new OpenApiSchema
        {
            AllOf =
            [
                new OpenApiSchemaReference(PromptResponseSchema, document),
                new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "input" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["input"] = new OpenApiSchemaReference(definition.SchemaName + "Input", document),
                    },
                },
            ],
            Examples =
            [
                new JsonObject
                {
                    ["id"] = "my-request-0001",
                    ["prompt"] = new JsonObject(),
                    ["images"] = new JsonArray("iVBORw0KGgoAAAANSUhEUgAABAAAAAQACAIAAADwf7zU..."),
                    ["filenames"] = new JsonArray("my-request-0001_ComfyUI_00001_.png"),
                    ["stats"] = new JsonObject(),
                    ["input"] = input,
                },
            ],
        };
    }
}
