using System.Text.Json;
using System.Text.Json.Nodes;
using FluxAspire.Api.Delivery.Outbound;
using FluxAspire.Api.Delivery.Storage;
using FluxAspire.Api.Endpoints.Errors;
using FluxAspire.Api.Pipeline.Downloads;
using FluxAspire.Api.Pipeline.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace FluxAspire.Api.Endpoints.Downloads;

public static class DownloadApi
{
    public static IEndpointRouteBuilder MapDownloadApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/").WithTags("Model files")
            .MapPost("/download", DownloadAsync)
            .WithName("DownloadModel")
            .WithSummary("Download a model file")
            .WithDescription("Downloads a model file from an http(s) or s3:// URL (or a blob URL of the server's Azure account) into ComfyUI's models/<model_type>/ folder " +
                "(model_type from ComfyUI's GET /models). wait:false (default) answers 202 {url, model_type, filename, " +
                "status:\"started\"} at once; wait:true answers 200 with status \"completed\", size (bytes) and duration (s). " +
                "auth ({type: bearer|basic|header|query|s3, …}) is sent only to the URL's host and never echoed. The URL must " +
                "pass the outbound URL guard (no private addresses unless allow-listed). Needs ComfyUI:ModelsDirectory (503 without).")
            .Accepts<DownloadRequest>("application/json")
            .Produces<DownloadResponse>(StatusCodes.Status200OK)
            .Produces<DownloadResponse>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    internal static async Task<Results<Ok<DownloadResponse>, Accepted<DownloadResponse>, ValidationProblem, ProblemHttpResult>> DownloadAsync(
        HttpRequest httpRequest, ModelDownloader downloader, ModelTypes modelTypes, IOutboundUrlGuard guard, StorageReads storage, BackgroundDownloads background,
        IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        if (downloader.ModelsDirectory is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model downloads are not configured",
                detail: ModelDownloader.MissingModelsDirectory);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // Read by hand (not bound) so a wrong type is a 400 naming the field, and the document shows DownloadRequest.
        var (body, unreadable) = await RequestJson.ReadObjectAsync(httpRequest, json.Value.SerializerOptions,
            "must be a JSON object {url, model_type, filename?, wait?, auth?}", cancellationToken);
        if (body is null)
        {
            return unreadable!;
        }

        var types = await modelTypes.GetAsync(body["model_type"] is JsonValue v && v.TryGetValue<string>(out var t) ? t : null, cancellationToken);
        if (types is null)
        {
            return ApiProblems.ComfyUnavailable("ComfyUI did not list its model folders (GET /models)");
        }

        var download = ValidDownload.Read(body, types, errors);
        // s3:// and the server's own blob URLs are read from storage (a request's custom s3 endpoint passes the guard there).
        if (download is not null && !storage.Handles(download.Url) && await guard.ValidateAsync(download.Url, cancellationToken) is { Allowed: false } refused)
        {
            errors["url"] = [$"the URL is not allowed: {refused.Reason}"];
        }

        if (errors.Count > 0 || download is null)
        {
            return ApiProblems.Validation(errors);
        }

        var shownUrl = ModelFileNames.WithoutUserInfo(download.Url);
        if (!download.Wait)
        {
            background.Start(download);
            return TypedResults.Accepted((string?)null, new DownloadResponse(shownUrl, download.ModelType, download.FileName, "started"));
        }

        try
        {
            var result = await downloader.DownloadAsync(download.Url, download.ModelType, download.FileName, download.Auth, cancellationToken);
            return TypedResults.Ok(new DownloadResponse(shownUrl, download.ModelType, download.FileName, "completed", result.Size,
                Math.Round(result.Duration.TotalSeconds, 3)));
        }
        catch (ModelDownloadException ex) when (ex.IsClientError)
        {
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["url"] = [ex.Message] });
        }
        catch (ModelDownloadException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The model could not be stored", detail: ex.Message);
        }
    }
}
