using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FluxAspire.Api.Delivery.Credentials;
using FluxAspire.Api.Pipeline.Downloads;

namespace FluxAspire.Api.Pipeline.Downloads;

/// <summary>POST /download: fetch a model file into ComfyUI's models/&lt;model_type&gt;/ folder.</summary>
public sealed record DownloadRequest
{
    /// <summary>http(s) or s3:// URL of the model file (blob URLs of the server's Azure account are read with its credentials).</summary>
    [JsonPropertyName("url")]
    public required Uri Url { get; init; }

    /// <summary>A ComfyUI model folder (GET /models), e.g. checkpoints, loras, vae.</summary>
    [JsonPropertyName("model_type")]
    public required string ModelType { get; init; }

    /// <summary>File name to save as; the URL's last path segment when left out.</summary>
    [JsonPropertyName("filename")]
    public string? Filename { get; init; }

    /// <summary>true: answer 200 when the file is in place; false (default): answer 202 at once.</summary>
    [JsonPropertyName("wait")]
    public bool Wait { get; init; }

    /// <summary>{type: bearer|basic|header|query, …} for the download. Never echoed or logged.</summary>
    [JsonPropertyName("auth")]
    public JsonObject? Auth { get; init; }
}

/// <summary>The parsed, validated request.</summary>
internal sealed record ValidDownload(Uri Url, string ModelType, string FileName, bool Wait, UrlAuth? Auth)
{
    public static ValidDownload? Read(JsonObject body, IReadOnlyList<string>? modelTypes, IDictionary<string, string[]> errors)
    {
        string? Text(string key, bool required)
        {
            switch (body[key])
            {
                case null when !required:
                    return null;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    return v.GetValue<string>();
                default:
                    errors[key] = [required ? "is required and must be a string" : "must be a string"];
                    return null;
            }
        }

        Uri? url = null;
        if (Text("url", required: true) is { } rawUrl)
        {
            if (!Uri.TryCreate(rawUrl, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https" or "s3"))
            {
                errors["url"] = ["must be an absolute http, https or s3 URL"];
                url = null;
            }
        }

        var modelType = Text("model_type", required: true);
        if (modelType is not null && modelTypes is not null && !modelTypes.Contains(modelType))
        {
            errors["model_type"] = [$"must be one of {string.Join(", ", modelTypes)}"];
        }

        string? fileName = null;
        if (Text("filename", required: false) is { } rawName)
        {
            fileName = ModelFileNames.Sanitise(rawName);
            if (fileName is null) errors["filename"] = ["must be a plain file name (no folders, '..', leading '.', or reserved characters)"];
        }
        else if (url is not null)
        {
            fileName = ModelFileNames.FromUrl(url);
            if (fileName is null) errors["filename"] = ["is required: the URL does not end in a usable file name"];
        }

        var wait = false;
        switch (body["wait"])
        {
            case null:
                break;
            case JsonValue w when w.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                wait = w.GetValue<bool>();
                break;
            default:
                errors["wait"] = ["must be a boolean"];
                break;
        }

        var auth = body["auth"] is null ? null : UrlAuth.Parse(body["auth"], "auth", errors);
        return errors.Count == 0 ? new ValidDownload(url!, modelType!, fileName!, wait, auth) : null;
    }
}

/// <summary>202 {url, model_type, filename, status:"started"}; 200 adds size (bytes) and duration (s), status "completed".</summary>
public sealed record DownloadResponse(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("model_type")] string ModelType,
    [property: JsonPropertyName("filename")] string Filename,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("size"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Size = null,
    [property: JsonPropertyName("duration"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Duration = null);
