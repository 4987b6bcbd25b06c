using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Delivery.Uploads;

/// <summary>The recipe's http_upload: {url_prefix, async=false}. Each output is PUT to url_prefix/filename.</summary>
public sealed record HttpUploadRequest(Uri UrlPrefix, bool Async) : Storage.IUploadTarget
{
    public const string Field = "http_upload";

    string Storage.IUploadTarget.Field => Field;

    /// <summary>Parses the raw field; adds errors keyed "http_upload.url_prefix" / "http_upload.async".</summary>
    public static HttpUploadRequest? Parse(JsonObject? raw, IDictionary<string, string[]> errors)
    {
        if (raw is null) return null;
        var before = errors.Count;
        Uri? prefix = null;
        if (raw["url_prefix"] is not JsonValue urlValue || urlValue.GetValueKind() != JsonValueKind.String)
        {
            errors[$"{Field}.url_prefix"] = ["is required and must be a string"];
        }
        else if (!Uri.TryCreate(urlValue.GetValue<string>(), UriKind.Absolute, out prefix)
                 || (prefix.Scheme != Uri.UriSchemeHttp && prefix.Scheme != Uri.UriSchemeHttps))
        {
            errors[$"{Field}.url_prefix"] = ["must be an absolute http or https URL"];
        }

        var isAsync = false;
        if (raw["async"] is { } asyncNode)
        {
            if (asyncNode.GetValueKind() is JsonValueKind.True or JsonValueKind.False) isAsync = asyncNode.GetValue<bool>();
            else errors[$"{Field}.async"] = ["must be true or false"];
        }

        foreach (var (key, _) in raw)
        {
            if (key is not ("url_prefix" or "async")) errors[$"{Field}.{key}"] = ["is not a known field (url_prefix, async)"];
        }

        return errors.Count == before ? new HttpUploadRequest(prefix!, isAsync) : null;
    }

    /// <summary>url_prefix/filename; the file name is escaped, a trailing slash on the prefix is not doubled.</summary>
    public Uri UrlFor(string filename)
    {
        var prefix = UrlPrefix.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri($"{prefix}/{Uri.EscapeDataString(filename)}{UrlPrefix.Query}");
    }
}
