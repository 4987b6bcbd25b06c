using System.Text.Json.Nodes;

namespace FluxAspire.Api.Delivery.Credentials;

/// <summary>
/// The request's <c>credentials</c> field: [{url_pattern, auth}], the first pattern matching a URL wins. Unlike the
/// recipe, credentials are never echoed (responses, webhooks) and never logged: ToString hides them.
/// </summary>
public sealed class RequestCredentials
{
    public static RequestCredentials None { get; } = new([]);

    private readonly IReadOnlyList<(UrlPattern Pattern, UrlAuth Auth)> _entries;

    private RequestCredentials(IReadOnlyList<(UrlPattern, UrlAuth)> entries) => _entries = entries;

    public int Count => _entries.Count;

    /// <summary>The auth of the first entry whose pattern matches <paramref name="url"/>, or null.</summary>
    public UrlAuth? For(Uri url) => _entries.FirstOrDefault(e => e.Pattern.Matches(url)).Auth;

    /// <summary>The custom endpoints of s3 credentials, by entry index: checked by the SSRF guard before anything runs.</summary>
    public IEnumerable<(int Index, Uri Endpoint)> S3Endpoints =>
        _entries.Select((e, i) => (i, e.Auth)).Where(e => e.Auth is UrlAuth.S3Keys { Endpoint: not null })
            .Select(e => (e.i, ((UrlAuth.S3Keys)e.Auth).Endpoint!));

    public override string ToString() => $"{_entries.Count} credential(s) (hidden)";

    /// <summary>Parses the raw field; problems go into <paramref name="errors"/> keyed credentials[i].…</summary>
    public static RequestCredentials Parse(JsonNode? node, IDictionary<string, string[]> errors)
    {
        if (node is null)
        {
            return None;
        }

        if (node is not JsonArray array)
        {
            errors["credentials"] = ["must be an array of {url_pattern, auth}"];
            return None;
        }

        var entries = new List<(UrlPattern, UrlAuth)>();
        for (var i = 0; i < array.Count; i++)
        {
            var field = $"credentials[{i}]";
            if (array[i] is not JsonObject entry)
            {
                errors[field] = ["must be an object {url_pattern, auth}"];
                continue;
            }

            string? pattern = null;
            if (entry["url_pattern"] is JsonValue p && p.GetValueKind() == System.Text.Json.JsonValueKind.String && p.GetValue<string>() is { } s)
            {
                if (UrlPattern.Problem(s) is { } problem)
                {
                    errors[$"{field}.url_pattern"] = [problem];
                }
                else
                {
                    pattern = s;
                }
            }
            else
            {
                errors[$"{field}.url_pattern"] = ["is required and must be a non-empty glob string (* ? **)"];
            }

            var auth = UrlAuth.Parse(entry["auth"], $"{field}.auth", errors);
            if (pattern is not null && auth is not null)
            {
                entries.Add((new UrlPattern(pattern), auth));
            }
        }

        return new RequestCredentials(entries);
    }
}
