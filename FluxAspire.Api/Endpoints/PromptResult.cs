using System.Reflection;
using FluxAspire.Api.Pipeline.Outputs;
using FluxAspire.Api.Pipeline.Prompts;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Endpoints;

/// <summary>
/// 200 with a finished job's <typeparamref name="TResponse"/> (PromptResponse, WorkflowResponse), written from the job's
/// outputs as it goes out (<see cref="JsonBodyWriter"/>): a 1.7 MB PNG costs a 64 KB segment of base64 at a time, not a
/// base64 string and a serialized copy of it. The JSON is what System.Text.Json writes for the record with the app's
/// JSON options; OpenAPI sees <typeparamref name="TResponse"/>.
/// </summary>
public sealed class PromptResult<TResponse>(PromptResponseBody body) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
    where TResponse : PromptResponse
{
    public PromptResponseBody Body => body;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await JsonBodyWriter.WriteObjectAsync(httpContext.Response.BodyWriter, body.Fields(), options, httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TResponse), ["application/json"]));
}
