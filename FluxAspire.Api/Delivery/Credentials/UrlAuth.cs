using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Delivery.Credentials;

/// <summary>
/// How to authenticate one URL download: bearer, basic, a custom header or a query parameter (the recipe's auth
/// variants). ToString never shows the secret, so a credential that reaches a log or an error says nothing.
/// </summary>
public abstract record UrlAuth
{
    /// <summary>Marks a custom secret header, so the redirect handler drops it on a cross-host hop like Authorization.</summary>
    public static readonly HttpRequestOptionsKey<string> SecretHeaderKey = new("FluxAspire.SecretHeader");

    /// <summary>The URL to request: the same one, or with the query secret added.</summary>
    public virtual Uri Address(Uri url) => url;

    /// <summary>Adds the secret to a request for <see cref="Address"/>.</summary>
    public abstract void Apply(HttpRequestMessage request);

    public sealed override string ToString() => $"{GetType().Name} (secret hidden)";

    public sealed record Bearer(string Token) : UrlAuth
    {
        public override void Apply(HttpRequestMessage request) => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public sealed record Basic(string Username, string Password) : UrlAuth
    {
        public override void Apply(HttpRequestMessage request) => request.Headers.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}")));
    }

    public sealed record Header(string Name, string Value) : UrlAuth
    {
        public override void Apply(HttpRequestMessage request)
        {
            request.Headers.TryAddWithoutValidation(Name, Value);
            request.Options.Set(SecretHeaderKey, Name);
        }
    }

    public sealed record Query(string Name, string Value) : UrlAuth
    {
        public override Uri Address(Uri url)
        {
            var pair = $"{Uri.EscapeDataString(Name)}={Uri.EscapeDataString(Value)}";
            var builder = new UriBuilder(url) { Query = string.IsNullOrEmpty(url.Query) ? pair : url.Query.TrimStart('?') + "&" + pair };
            return builder.Uri;
        }

        public override void Apply(HttpRequestMessage request)
        {
        }
    }

    /// <summary>The recipe's {type:"s3", access_key_id, secret_access_key, session_token?, region?, endpoint?}: keys for
    /// s3:// URLs (image inputs, model URLs, uploads), read by Delivery/Storage; an http(s) download gets nothing from it.
    /// A custom endpoint goes through the SSRF guard like any URL a request names.</summary>
    public sealed record S3Keys(string AccessKeyId, string SecretAccessKey, string? SessionToken, string? Region, Uri? Endpoint) : UrlAuth
    {
        public override void Apply(HttpRequestMessage request)
        {
        }
    }

    /// <summary>Reads an auth object; each problem goes into <paramref name="errors"/> under <paramref name="field"/>.</summary>
    public static UrlAuth? Parse(JsonNode? node, string field, IDictionary<string, string[]> errors)
    {
        if (node is not JsonObject auth)
        {
            errors[field] = ["must be an object with a type (bearer, basic, header, query or s3)"];
            return null;
        }

        string? Text(string key)
        {
            if (auth[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } s)
            {
                return s;
            }

            errors[$"{field}.{key}"] = ["is required and must be a non-empty string"];
            return null;
        }

        // A value sent as a header: CR/LF would split it into another header, and HttpClient refuses non-ASCII.
        string? HeaderText(string key)
        {
            if (Text(key) is not { } text) return null;
            if (IsHeaderValue(text)) return text;
            errors[$"{field}.{key}"] = [HeaderValueRule];
            return null;
        }

        var type = auth["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        switch (type)
        {
            case "bearer":
                return HeaderText("token") is { } token ? new Bearer(token) : null;
            case "basic":
                var user = Text("username");
                var password = Text("password");
                return user is not null && password is not null ? new Basic(user, password) : null;
            case "header":
                var name = Text("header_name");
                var value = HeaderText("header_value");
                if (name is null || value is null) return null;
                if (!IsToken(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    errors[$"{field}.header_name"] = ["must be a valid HTTP header name (not Host)"];
                    return null;
                }
                return new Header(name, value);
            case "query":
                var param = Text("query_param");
                var queryValue = Text("query_value");
                return param is not null && queryValue is not null ? new Query(param, queryValue) : null;
            case "s3":
                return ParseS3(auth, field, Text, errors);
            default:
                errors[$"{field}.type"] = ["must be one of bearer, basic, header, query, s3"];
                return null;
        }
    }

    private static S3Keys? ParseS3(JsonObject auth, string field, Func<string, string?> text, IDictionary<string, string[]> errors)
    {
        var keyId = text("access_key_id");
        var secret = text("secret_access_key");
        string? Optional(string key)
        {
            if (auth[key] is null) return null;
            return text(key);
        }

        var session = Optional("session_token");
        var region = Optional("region");
        Uri? endpoint = null;
        if (Optional("endpoint") is { } rawEndpoint
            && (!Uri.TryCreate(rawEndpoint, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            errors[$"{field}.endpoint"] = ["must be an absolute http or https URL"];
            return null;
        }

        return keyId is not null && secret is not null ? new S3Keys(keyId, secret, session, region, endpoint) : null;
    }

    public const string HeaderValueRule = "must be printable ASCII text (no line breaks or control characters)";

    /// <summary>Whether <paramref name="value"/> can be sent as an HTTP header value as it is.</summary>
    public static bool IsHeaderValue(string value) => value.All(c => c is '\t' or (>= ' ' and <= '~'));

    private static bool IsToken(string name) =>
        name.All(c => c is > ' ' and < (char)127 && "()<>@,;:\\\"/[]?={}".IndexOf(c) < 0);
}
