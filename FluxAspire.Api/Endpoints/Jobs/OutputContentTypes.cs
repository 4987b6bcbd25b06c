using Microsoft.AspNetCore.StaticFiles;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>The Content-Type of an output file, from its extension (ComfyUI names them .png; convert_output makes .jpeg/.webp).</summary>
public static class OutputContentTypes
{
    private static readonly FileExtensionContentTypeProvider Provider = new();

    public static string Of(string filename) =>
        Provider.TryGetContentType(filename, out var type) ? type : "application/octet-stream";
}
