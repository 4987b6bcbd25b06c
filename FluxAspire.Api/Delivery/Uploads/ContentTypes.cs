namespace FluxAspire.Api.Delivery.Uploads;

/// <summary>The Content-Type of an output file, from its extension (as the recipe's http_upload does).</summary>
public static class ContentTypes
{
    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".webp"] = "image/webp",
        [".gif"] = "image/gif",
        [".mp4"] = "video/mp4",
        [".webm"] = "video/webm",
        [".wav"] = "audio/wav",
        [".mp3"] = "audio/mpeg",
        [".flac"] = "audio/flac",
        [".json"] = "application/json",
        [".txt"] = "text/plain",
    };

    public static string ForFile(string filename) =>
        ByExtension.TryGetValue(Path.GetExtension(filename), out var type) ? type : "application/octet-stream";
}
