using System.Text.Json.Nodes;
using FluxAspire.ComfySim.Files;

namespace FluxAspire.ComfySim.Discovery;

public static class DiscoveryRoutes
{
    public static IEndpointRouteBuilder MapDiscoveryRoutes(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("system_stats", (SimOptions options) => ComfyJson.Ok(SystemStats.Build(options)));
        routes.MapGet("features", (SimOptions options) => ComfyJson.Ok(new JsonObject
        {
            ["supports_preview_metadata"] = true,
            ["max_upload_size"] = options.MaxUploadSizeBytes,
        }));
        routes.MapGet("models", () => ComfyJson.Ok(Strings(ComfyFolders.ModelFolderNames)));
        routes.MapGet("models/{folder}", (string folder, ComfyFolders folders) =>
            folders.ListModels(folder) is { } models ? ComfyJson.Ok(Strings(models)) : Results.NotFound());
        routes.MapGet("embeddings", (ComfyFolders folders) =>
            ComfyJson.Ok(Strings((folders.ListModels("embeddings") ?? []).Select(StripExtension))));
        // The web UI's extension scripts; a headless server has none.
        routes.MapGet("extensions", () => ComfyJson.Ok(new JsonArray()));
        routes.MapGet("view_metadata/{folder}", ViewMetadata);
        // ComfyUI serves the web UI's index.html here; headless (an empty web root) it answers 404 with no body.
        routes.MapGet("/", () => Results.Text(string.Empty, "application/octet-stream", statusCode: StatusCodes.Status404NotFound));
        return routes;
    }

    private static IResult ViewMetadata(string folder, HttpContext context, ComfyFolders folders)
    {
        var fileName = context.Request.Query.TryGetValue("filename", out var values) && values.Count > 0 ? values[0] : null;
        if (fileName is null || !fileName.EndsWith(".safetensors", StringComparison.Ordinal))
        {
            return Results.NotFound();
        }

        var models = folders.ListModels(folder);
        if (models is null || !models.Contains(fileName, StringComparer.Ordinal))
        {
            return Results.NotFound();
        }

        var path = new[] { folders.ModelsDirectory, folders.OutputDirectory }
            .Select(root => ComfyFolders.SafeJoin(Path.Combine(root, folder), null, fileName))
            .FirstOrDefault(File.Exists);
        return path is not null && SafetensorsMetadata.Read(path) is { } metadata ? ComfyJson.Ok(metadata) : Results.NotFound();
    }

    private static string StripExtension(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot > name.LastIndexOf('/') + 1 ? name[..dot] : name;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => JsonValue.Create(v))]);
}
