using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery;
using Microsoft.AspNetCore.Routing;

namespace FluxAspire.Api.Endpoints.Errors;

public static class ErrorsServiceCollectionExtensions
{
    /// <summary>Problem details for every error, including unreadable request bodies (400, not 500).</summary>
    public static IHostApplicationBuilder AddApiErrors(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        // Numbers must be JSON numbers ("width": "512" is a 400), as the recipe's zod schema has it.
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // Responses escape only what JSON requires, as JSON.stringify does (clients of the recipe compare bytes).
            options.SerializerOptions.Encoder = JsonStringifyEncoder.Instance;
            // A key given twice is ambiguous (JavaScript keeps the last, others the first): refuse it, at every depth.
            options.SerializerOptions.AllowDuplicateProperties = false;
            options.SerializerOptions.Converters.Add(new StrictJsonNodeConverter<JsonNode>());
            options.SerializerOptions.Converters.Add(new StrictJsonNodeConverter<JsonObject>());
            options.SerializerOptions.Converters.Add(new StrictJsonNodeConverter<JsonArray>());
        });
        return builder;
    }
}
