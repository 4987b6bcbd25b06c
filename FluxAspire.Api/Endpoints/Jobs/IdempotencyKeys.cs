using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FluxAspire.Api.Endpoints.Jobs;

/// <summary>The Idempotency-Key header of POST /jobs: its rule, and the hash that tells a retry from a different request.</summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";

    public const string Rule = "must be 1 to 255 visible ASCII characters (no spaces), sent once";

    private static readonly JsonSerializerOptions CanonicalJson = new() { WriteIndented = false };

    /// <summary>1–255 characters from '!' to '~'.</summary>
    public static bool IsValid(string? key) => key is { Length: >= 1 and <= 255 } && key.All(c => c is >= '!' and <= '~');

    /// <summary>
    /// SHA-256 (lowercase hex) of the body in canonical form: object keys sorted (ordinal), no whitespace, values as sent.
    /// A client that re-serialises the same request (another key order, other spacing) still counts as a retry.
    /// </summary>
    public static string RequestHash(JsonNode? body) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(body)?.ToJsonString(CanonicalJson) ?? "null")));

    internal static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Canonical).ToArray()),
        _ => node?.DeepClone(),
    };
}
